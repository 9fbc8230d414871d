import { type Alert, type HealthReport, type Sample } from 'webhook-stress-common';
export declare function sampleLine(sample: Sample): string;
export declare function alertLine(alert: Alert): string;
/** The health report could not be written: the message is one line for a person. */
export declare class HealthFilesError extends Error {}
export interface HealthFiles {
  log(line: string): void;
  writeReport(report: HealthReport): string;
  /** A configuration error ended the run: remove what was written. */
  discard(): void;
}
/**
 * `startedAt` is read when a file is first written: Artillery sets the run's start time
 * after plugins are created. Log lines wait in memory until it is known.
 */
export declare function createHealthFiles(
  dir: string,
  scenario: string,
  startedAt: () => Date | undefined,
  echo?: (line: string) => void,
  /** Told once when the log cannot be written; sampling goes on without the log. */
  onLogError?: (message: string) => void,
): HealthFiles;
