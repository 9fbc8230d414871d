/**
 * The stamp of a run's file names: a sortable, file-name-safe time, 2026-11-28T04-05-06.
 * Every file of one run (verdict, HTML, JUnit, health report, monitor log) is given the
 * run's start time, so they sort and pair by name.
 */
export function fileStamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}
