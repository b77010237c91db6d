const { SqliteAuditStore } = await import('./dist/main/server/audit/sqlite-audit-store.js');
const store = SqliteAuditStore.open(process.argv[2]);
const sqls = [];
const orig = store.select.bind(store);
store.select = async (sql, p) => { sqls.push([sql, p]); return []; };
const { insights } = await import('./dist/main/server/console/insights.js');
const DAY = 86400000; const end = Date.parse('2026-12-01T00:00:00.000Z');
await insights(store, new Date(end - 30*DAY).toISOString(), new Date(end+1).toISOString());
const db = store.db;
for (const [sql, p] of sqls) {
  const st = db.prepare(sql);
  let best = 1e9; for (let i=0;i<3;i++){ const t=performance.now(); st.all(...p); best=Math.min(best, performance.now()-t); }
  console.log(best.toFixed(1), 'ms', sql.slice(0,50).replace(/\s+/g,' '));
  if (process.argv[3]) console.log(db.prepare('EXPLAIN QUERY PLAN ' + sql).all(...p).map(r=>r.detail).join('\n'));
}
console.log(sqls[0][1]);
