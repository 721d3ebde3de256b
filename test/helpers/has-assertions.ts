import { beforeEach, expect } from 'vitest';

// Every test must be able to fail: one that reaches its end without asserting anything fails.
beforeEach(() => {
  expect.hasAssertions();
});
