import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Just enough of AWS on 127.0.0.1 for a child process (AWS_ENDPOINT_URL) to run the weekly digest: IAM's
 * credential report and account details (Query protocol, XML), and CloudTrail and Organizations (JSON)
 * saying there is no trail and no organization.
 */
export class FakeAws {
  url = '';
  #server: Server | undefined;
  constructor(private readonly report: string) {}

  async start(): Promise<this> {
    this.#server = createServer(async (req, res) => {
      const text = await body(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target) {
        const op = target.split('.').pop() ?? '';
        res.writeHead(op === 'DescribeOrganization' ? 400 : 200, {
          'content-type': 'application/x-amz-json-1.1',
        });
        if (op === 'DescribeOrganization')
          return res.end(JSON.stringify({ __type: 'AWSOrganizationsNotInUseException', message: 'none' }));
        return res.end(JSON.stringify(op === 'DescribeTrails' ? { trailList: [] } : {}));
      }
      const action = new URLSearchParams(text).get('Action');
      const ok = (inner: string) => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<${action}Response xmlns="${XMLNS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
        );
      };
      if (action === 'GenerateCredentialReport') return ok('<State>COMPLETE</State>');
      if (action === 'GetCredentialReport')
        return ok(
          `<Content>${Buffer.from(this.report).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2023-01-04T20:00:00Z</GeneratedTime>`,
        );
      if (action === 'GetAccountAuthorizationDetails')
        return ok('<UserDetailList/><GroupDetailList/><IsTruncated>false</IsTruncated>');
      res.writeHead(404, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>none</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    });
    await new Promise<void>((r) => this.#server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}
