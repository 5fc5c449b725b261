export type ProblemJson = { errors?: { field: string; message: string }[]; detail: string; [member: string]: unknown };

interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): unknown;
}

/** Test-only: asserts a problem+json answer with the given status and the echoed correlation id. */
export function expectProblem(response: InjectedResponse, status: number): ProblemJson {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  expect(body.correlation_id).toBe(response.headers['x-correlation-id']);
  return body as ProblemJson;
}
