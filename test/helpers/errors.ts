import { expect } from 'vitest';
import { LayoutError } from '../../src/regs/index.js';

/** Runs `fn` and returns the LayoutError it threw (fails the test when it throws something else or nothing). */
export function layoutError(fn: () => unknown): LayoutError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a LayoutError').toBeInstanceOf(LayoutError);
  return err as LayoutError;
}

/** Runs `fn` and returns the error of class `type` it threw (fails the test when it throws something else or nothing). */
export function thrown<E>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ${type.name}`).toBeInstanceOf(type);
  return err as E;
}
