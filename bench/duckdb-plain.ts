// Plain DuckDB, the baseline the local source must beat: `read_json` over every log file with the
// declared schema of the record fields, counting the records a condition takes. One pass, both cores,
// the same 16 MiB object buffer the local source reads with (DuckDB's default).
// Usage: tsx bench/duckdb-plain.ts <archive dir> "<SQL condition>"
import { listValue } from '@duckdb/node-api';
import { connectDuckDb, findLogFiles, RECORD_FIELDS } from '../src/trail/sources/local.js';

const [dir, where] = process.argv.slice(2);
if (!dir || !where) throw new Error('usage: duckdb-plain.ts <dir> "<condition>"');
const conn = await connectDuckDb('1GB');
const { files } = await findLogFiles(dir);
const struct = `STRUCT(${RECORD_FIELDS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`;
const sql =
  `SELECT count(*) AS n FROM (SELECT unnest(Records, recursive := true) FROM read_json($files, format = 'unstructured', ` +
  `columns = {Records: '${struct}[]'}, maximum_object_size = 16777216)) WHERE ${where}`;
const r = await conn.runAndReadAll(sql, {
  files: listValue(files.filter((f) => f.shape === 'records').map((f) => f.path)),
} as never);
process.stdout.write(`${String(r.getRowObjectsJS()[0]?.n)}\n`);
