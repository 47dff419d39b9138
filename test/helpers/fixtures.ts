/** Where test fixtures live: the project's own copies, and the shared samples beside the clone. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The project's own fixtures (permissively licensed copies and files made by the project). */
export const fixture = (...p: string[]) => path.join(repoRoot, 'test', 'fixtures', ...p);

/** `../shared/fixtures` beside the clone, or FERRY_SHARED_FIXTURES. Only the conformance suite reads it. */
export const sharedFixturesDir = process.env.FERRY_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');
export const sharedFixture = (...p: string[]) => path.join(sharedFixturesDir, ...p);
