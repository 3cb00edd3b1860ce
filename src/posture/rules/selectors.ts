import type { AdvancedSelector, BasicSelector } from '../facts.js';

/** Do the selectors record management events, both reads and writes (together, across selectors)? */
export function managementReadWrite(
  basic: BasicSelector[] | undefined,
  advanced: AdvancedSelector[] | undefined,
): boolean {
  let reads = false;
  let writes = false;
  if (advanced?.length) {
    for (const s of advanced) {
      const fields = s.FieldSelectors ?? [];
      if (!fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management'))) continue;
      const readOnly = fields.find((f) => f.Field === 'readOnly');
      if (!readOnly) reads = writes = true;
      else if (readOnly.Equals?.includes('true')) reads = true;
      else if (readOnly.Equals?.includes('false')) writes = true;
    }
  } else {
    for (const s of basic ?? []) {
      if (s.IncludeManagementEvents === false) continue;
      const rw = s.ReadWriteType ?? 'All';
      if (rw === 'All' || rw === 'ReadOnly') reads = true;
      if (rw === 'All' || rw === 'WriteOnly') writes = true;
    }
  }
  return reads && writes;
}

/** Does the trail record S3 object-level events for the bucket? */
export function recordsDataEvents(
  bucket: string,
  basic: BasicSelector[] | undefined,
  advanced: AdvancedSelector[] | undefined,
): boolean {
  const arn = `arn:aws:s3:::${bucket}/`;
  if (advanced?.length) {
    return advanced.some((s) => {
      const fields = s.FieldSelectors ?? [];
      const data = fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Data'));
      const s3 = fields.some((f) => f.Field === 'resources.type' && f.Equals?.includes('AWS::S3::Object'));
      const arns = fields.filter((f) => f.Field === 'resources.ARN');
      // Equals names single objects: only a prefix (StartsWith) or no ARN condition covers the bucket.
      const covers = !arns.length || arns.some((f) => f.StartsWith?.some((p) => arn.startsWith(p)));
      return data && s3 && covers;
    });
  }
  return (basic ?? []).some((s) =>
    (s.DataResources ?? []).some(
      (d) =>
        d.Type === 'AWS::S3::Object' &&
        (d.Values ?? []).some((v) => v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || arn.startsWith(v)),
    ),
  );
}
