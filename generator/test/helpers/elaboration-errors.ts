/** The ElaborationError a one-off module's build raises (tests of DSL error messages). */
import { ElaborationError, defineModule, elaborate, type BuildFn } from '../../dsl/index.js';

export function elaborationErrorOf(build: BuildFn<Record<string, never>, unknown>): ElaborationError {
  try {
    elaborate(defineModule('bad', build)({}));
  } catch (e) {
    if (e instanceof ElaborationError) return e;
    throw e;
  }
  throw new Error('expected an elaboration error');
}
