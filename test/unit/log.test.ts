import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/log.js';

function capture(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  return { logger: createLogger('info', stream), text: () => chunks.join('') };
}

describe('log redaction, the second line of defence', () => {
  it('when a request, token or typed text is logged by mistake, then the values are redacted', () => {
    const { logger, text } = capture();
    logger.info(
      {
        event: 'mistake',
        headers: { authorization: 'Bearer eyJ-secret-token' },
        req: { headers: { authorization: 'Bearer eyJ-secret-token-2' } },
        token: 'secret-token-3',
        client: { token: 'secret-token-4', accessToken: 'secret-token-5' },
        text: 'typed-by-practitioner-1',
        activity: { text: 'typed-by-practitioner-2' },
        card: { value: 'typed-by-practitioner-3', data: { answer: 'typed-by-practitioner-4' } },
        arg: 'CASE-typed-5',
        caseRef: 'CASE-typed-6',
        assessment: { caseRef: 'CASE-typed-7', answers: { c1: 'typed-by-practitioner-8' } },
      },
      'Mistaken log call',
    );
    const out = text();
    expect(out).toContain('"event":"mistake"');
    expect(out).not.toMatch(/secret-token|typed-by-practitioner|CASE-typed/);
  });

  it("when an error quoting user input is logged, then its name and frames survive but not its message or its cause's", () => {
    const { logger, text } = capture();
    const parsed = z.enum(['low', 'high']).safeParse('input-quoted-1');
    if (parsed.success) throw new Error('expected the enum to refuse the input');
    const error = new Error('wrapper mentions input-quoted-2', { cause: parsed.error });
    logger.error({ event: 'handler.failed', err: error });
    logger.error(new Error('bare error with input-quoted-3'));
    logger.warn({ err: new Error('no msg given input-quoted-4') });
    logger.error({ event: 'zod', issues: parsed.error.issues });
    const out = text();
    expect(out).not.toContain('input-quoted');
    expect(out).toContain('"type":"ZodError"');
    expect(out).toContain('"event":"handler.failed"');
    expect(out).toMatch(/"frames":\["at /);
  });
});
