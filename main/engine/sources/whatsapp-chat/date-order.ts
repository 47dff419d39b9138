/**
 * Day-month or month-day? A WhatsApp export writes dates in the phone's locale and never says which.
 * The first pass counts, per layout (a file can mix an Android and an iOS layout, each with its own
 * order), the evidence: a first field above 12 is a day, a second field above 12 is a day, a first
 * field above 31 is a year; failing that, the reading under which the dates never go backwards.
 * Only counters and a few line numbers are kept, so memory stays flat whatever the file's size.
 * When nothing decides, the layout is reported ambiguous rather than guessed.
 */
import { type DateOrder, type LayoutShape, type StampLine, describeLayout, ymdOf } from './timestamp';

/** The connector's `dateOrder` setting. */
export type DateOrderSetting = 'auto' | DateOrder;

export interface LayoutDecision {
  key: string;
  shape: LayoutShape;
  lines: number;
  /** The order used to read dates; undefined when the layout cannot be read (ambiguous or conflicting). */
  order?: DateOrder;
  /** How the order was decided, for check() and notices. */
  basis: string;
  /** Why dates of this layout cannot be read, when `order` is undefined. */
  problem?: string;
  /** `dd/mm/yy, HH:MM -` and the like. */
  layout: string;
}

class LayoutStats {
  lines = 0;
  /** First line numbers with a first field that is a day (13..31), a second field that is a day, a first field that is a year. */
  dayFirst = 0;
  dayFirstCount = 0;
  daySecond = 0;
  daySecondCount = 0;
  yearFirst = 0;
  /** Lines whose date reads differently (and validly) under both orders. */
  ambiguousLines = 0;
  /** Steps backwards between consecutive dates under each reading (lines valid under both). */
  backDmy = 0;
  backMdy = 0;
  prevDmy = -1;
  prevMdy = -1;
  unpaddedDate = false;
  unpaddedHour = false;
  ampmText?: string;

  constructor(readonly shape: LayoutShape) {}

  observe(line: StampLine, lineNo: number): void {
    this.lines++;
    if (line.widths[0] === 1 || line.widths[1] === 1 || (line.shape.yearPlace === 'first4' && line.widths[2] === 1)) this.unpaddedDate = true;
    if (line.hourWidth === 1) this.unpaddedHour = true;
    if (line.ampmText && !this.ampmText) this.ampmText = line.ampmText;
    if (line.shape.yearPlace === 'first4') return;
    const [a, b] = line.fields;
    if (a > 31 && line.shape.yearPlace === 'short') { if (!this.yearFirst) this.yearFirst = lineNo; return; }
    if (a > 12 && a <= 31) { this.dayFirstCount++; if (!this.dayFirst) this.dayFirst = lineNo; }
    if (b > 12) { this.daySecondCount++; if (!this.daySecond) this.daySecond = lineNo; }
    const dmy = ymdOf(line, 'dmy');
    const mdy = ymdOf(line, 'mdy');
    if (dmy && mdy) {
      if (a !== b) this.ambiguousLines++;
      const kd = dmy.year * 10000 + dmy.month * 100 + dmy.day;
      const km = mdy.year * 10000 + mdy.month * 100 + mdy.day;
      if (this.prevDmy > kd) this.backDmy++;
      if (this.prevMdy > km) this.backMdy++;
      this.prevDmy = kd;
      this.prevMdy = km;
    }
  }

  decide(setting: DateOrderSetting): { order?: DateOrder; basis: string; problem?: string } {
    if (this.shape.yearPlace === 'first4') return { order: 'ymd', basis: 'a 4-digit year comes first' };
    if (setting !== 'auto' && !(setting === 'ymd' && this.shape.yearPlace === 'last4')) {
      return { order: setting, basis: `the connector's dateOrder setting (${setting})` };
    }
    if (this.yearFirst && !this.dayFirstCount) return { order: 'ymd', basis: `a first field above 31 (line ${this.yearFirst})` };
    if (this.dayFirstCount && this.daySecondCount) {
      return {
        basis: 'conflicting dates',
        problem: `dates in this layout read both ways: line ${this.dayFirst} has the day first, line ${this.daySecond} has it second; set the connector's dateOrder setting (dmy or mdy)`,
      };
    }
    if (this.dayFirstCount) return { order: 'dmy', basis: `a first field above 12 (line ${this.dayFirst})` };
    if (this.daySecondCount) return { order: 'mdy', basis: `a second field above 12 (line ${this.daySecond})` };
    if (this.ambiguousLines === 0) {
      // Every date has day = month: both orders read the same.
      return { order: 'dmy', basis: 'every date reads the same in either order' };
    }
    if (this.backDmy === 0 && this.backMdy > 0) return { order: 'dmy', basis: 'dates only stay in order when read day first' };
    if (this.backMdy === 0 && this.backDmy > 0) return { order: 'mdy', basis: 'dates only stay in order when read month first' };
    return {
      basis: 'ambiguous',
      problem: `the date order is ambiguous: no day or month in this layout is above 12 and the dates stay in order read either way; set the connector's dateOrder setting to dmy (day first) or mdy (month first)`,
    };
  }
}

/** Counts evidence over one chat file, then decides every layout it found. */
export class DateOrderEvidence {
  private readonly layouts = new Map<string, LayoutStats>();

  observe(line: StampLine, lineNo: number): void {
    let s = this.layouts.get(line.key);
    if (!s) this.layouts.set(line.key, (s = new LayoutStats(line.shape)));
    s.observe(line, lineNo);
  }

  decide(setting: DateOrderSetting): Map<string, LayoutDecision> {
    const out = new Map<string, LayoutDecision>();
    for (const [key, s] of this.layouts) {
      const d = s.decide(setting);
      out.set(key, {
        key, shape: s.shape, lines: s.lines, basis: d.basis,
        ...(d.order ? { order: d.order } : {}),
        ...(d.problem ? { problem: d.problem } : {}),
        layout: describeLayout(s.shape, d.order, { date: !s.unpaddedDate, hour: !s.unpaddedHour }, s.ampmText),
      });
    }
    return out;
  }
}
