import { describe, expect, it } from 'vitest';
import { isPostgresUrl, redactDatabaseUrl } from '../../main/server/audit/open-audit-store.js';

describe('audit database location', () => {
  it('tells PostgreSQL URLs from SQLite file paths', () => {
    expect(isPostgresUrl('postgres://db/audit')).toBe(true);
    expect(isPostgresUrl('postgresql://db/audit')).toBe(true);
    expect(isPostgresUrl('POSTGRES://db/audit')).toBe(true);
    expect(isPostgresUrl('/srv/audit.sqlite')).toBe(false);
    expect(isPostgresUrl('postgres.sqlite')).toBe(false);
  });

  it('replaces the password of a PostgreSQL URL with *** wherever it is written', () => {
    for (const [url, printed] of [
      ['postgres://audit:s3cret@db:5432/audit', 'postgres://audit:***@db:5432/audit'],
      ['postgresql://audit:p%40ss@db/audit', 'postgresql://audit:***@db/audit'],
      // An unescaped @ or / in the password must not leave a piece of it behind.
      ['postgres://audit:p@ss/w0rd@db/audit', 'postgres://audit:***@db/audit'],
      [
        'postgres://audit@db/audit?password=s3cret&ssl=true',
        'postgres://audit@db/audit?password=***&ssl=true',
      ],
      ['postgres://db/audit', 'postgres://db/audit'],
      ['/srv/audit:s3cret@x.sqlite', '/srv/audit:s3cret@x.sqlite'],
    ])
      expect(redactDatabaseUrl(url!)).toBe(printed);
  });
});
