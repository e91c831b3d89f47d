// node load.mjs FILE.csv: seconds for DuckDB to load the reconciliation CSV
// into a table (two threads, as the machine has two cores), and the rows.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!file) {
  console.error('usage: node load.mjs FILE.csv');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
const t0 = process.hrtime.bigint();
await con.run(`CREATE TABLE recon AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header = true, all_varchar = true)`);
const t1 = process.hrtime.bigint();
const r = await con.runAndReadAll('SELECT count(*) FROM recon');
console.log(`duckdb rows=${r.getRows()[0][0]} seconds=${(Number(t1 - t0) / 1e9).toFixed(2)}`);
