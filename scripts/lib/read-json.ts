// Reads a JSON file a user named on the command line, failing with one line that says which.
import { readFileSync } from 'node:fs';

/** `what` names the file in the message ("baseline verdict"), when the path alone does not say. */
export function readJson<T>(file: string, what?: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read ${what ? `${what} ` : ''}${file}; check the path`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${file} is not JSON; give the file written by artillery run --output`);
  }
}
