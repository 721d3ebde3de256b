/** The practitioner an assessment belongs to: their Entra object id within their tenant. */
export interface Owner {
  readonly tenantId: string;
  readonly aadObjectId: string;
}
