import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/trail/event.js';
import { eventsToCsv } from '../../src/trail/export.js';

describe('eventsToCsv', () => {
  it('writes a header and one row per event, quoting what needs it, formulas made inert', () => {
    const e = parseRecord({
      eventTime: '2026-11-20T10:00:00Z',
      eventName: 'DeleteBucket',
      eventSource: 's3.amazonaws.com',
      eventID: 'id-1',
      sourceIPAddress: '203.0.113.9',
      userAgent: '=HYPERLINK("https://evil.example","click"), "quoted", line\nbreak',
      userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::1:user/alice' },
      requestParameters: { bucketName: 'b,1' },
    });
    const rows = parse(eventsToCsv([e]), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      time: '2026-11-20T10:00:00.000Z',
      event: 'DeleteBucket',
      principal: 'alice',
      principal_arn: 'arn:aws:iam::1:user/alice',
      source_ip: '203.0.113.9',
      event_id: 'id-1',
      request_parameters: '{"bucketName":"b,1"}',
    });
    expect(rows[0]?.user_agent).toBe(`'=HYPERLINK("https://evil.example","click"), "quoted", line\nbreak`);
  });
});
