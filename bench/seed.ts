/** What the seeding step wrote. */
export interface SeedResult {
  readonly heavy: number;
  readonly spread: number;
  readonly ms: number;
  readonly note: string;
}

/** Where and how many assessments to seed. */
export interface SeedRequest {
  readonly connectionString: string;
  readonly tablePrefix: string;
  readonly tenantId: string;
  readonly heavyAadObjectId: string;
  readonly heavy: number;
  readonly spread: number;
  readonly spreadPractitioners: number;
}

/** Seeds stored assessments directly through the table client, in batches. */
export async function seedAssessments(_request: SeedRequest): Promise<SeedResult> {
  return { heavy: 0, spread: 0, ms: 0, note: 'nothing seeded: the assessment repository does not exist yet' };
}
