import { describe, expect, it } from 'vitest';
import { parseMailDate } from '../../main/engine/sources/mail/mail-date';

const iso = (v: string) => parseMailDate(v)?.toISOString();

describe('parseMailDate', () => {
  it('reads RFC 5322 dates and their obsolete forms, in UTC', () => {
    expect(iso('Sat, 22 Nov 2008 15:04:59 +1100')).toBe('2008-11-22T04:04:59.000Z');
    expect(iso('Fri, 20 Oct 2006 04:28:33 -0400 (EDT)')).toBe('2006-10-20T08:28:33.000Z');
    expect(iso('23 Oct 2003 22:40:49 -0700')).toBe('2003-10-24T05:40:49.000Z'); // no day name
    expect(iso('Fri, 23 Aug 2002 2:32:53 -0400')).toBe('2002-08-23T06:32:53.000Z'); // one-digit hour
    expect(iso('Thu, 8 Mar 2005 17:40:36 EDT')).toBe('2005-03-08T21:40:36.000Z'); // named zone, wrong day name
    expect(iso('Wed, 28 May 14 17:18 JST')).toBe('2014-05-28T08:18:00.000Z'); // 2-digit year, no seconds
    expect(iso('1 Jan 99 00:00:00 GMT')).toBe('1999-01-01T00:00:00.000Z');
    expect(iso('1 Jan 103 00:00:00 +0000')).toBe('2003-01-01T00:00:00.000Z'); // 3-digit year
    expect(iso('Mon,  3 Sept 2012 10:00:00 -0000')).toBe('2012-09-03T10:00:00.000Z');
    expect(iso('  Thu, 10 Jan 2002   13:59:53 -0800 ')).toBe('2002-01-10T21:59:53.000Z');
    expect(iso('Fri, 23 Aug 2002 02:32:53')).toBe('2002-08-23T02:32:53.000Z'); // no zone: no zone information, UTC
    expect(iso('Fri, 23 Aug 2002 02:32:53 Z')).toBe('2002-08-23T02:32:53.000Z');
    expect(iso('2024-01-02T10:00:00+01:00')).toBe('2024-01-02T09:00:00.000Z');
  });

  it('refuses what is not a date instead of guessing', () => {
    for (const v of ['', '<HR>', 'hello 1', 'yesterday at 5', '31 Feb 2020 10:00:00 +0000', '1 Jan 2020 25:00:00 +0000',
      '1 Foo 2020 10:00:00 +0000', '1 Jan 2020 10:00:00 +9999', '1 Jan 2020 10:00:00 XYZT', '2024-01-02T10:00:00']) {
      expect(parseMailDate(v), v).toBeUndefined();
    }
    expect(parseMailDate(undefined)).toBeUndefined();
  });
});
