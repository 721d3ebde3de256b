import { z } from 'zod';
import { ASSESSMENT_ID_PATTERN, STEPS } from '../tencs/assessment.js';
import { C_IDS } from '../tencs/ten-cs.js';

/** An assessment id as it comes back from a card: checked for shape here; ownership is checked by the lookup. */
const AssessmentIdData = z.string().regex(ASSESSMENT_ID_PATTERN);

/** What every assessment card carries in its Action.Execute data (client-controlled). */
export const CardRefData = z.object({
  assessmentId: AssessmentIdData,
  rev: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  step: z.enum(STEPS),
  mode: z.enum(['flow', 'review']).default('flow'),
});

/** The Edit buttons on the review card name the step to open. */
export const EditData = CardRefData.extend({ target: z.union([z.literal('setup'), z.enum(C_IDS)]) });

/** "Keep my version" repeats the button the practitioner pressed before the conflict. */
export const KeepMineData = CardRefData.extend({ action: z.enum(['next', 'back', 'skip', 'later']).default('next') });

/** Resume / View from the list and the saved card. */
export const OpenData = z.object({ assessmentId: AssessmentIdData });
