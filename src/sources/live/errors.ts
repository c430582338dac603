/** Live mode cannot run or cannot go on: one clear line for the user, never a stack trace. */
export class LiveUnavailableError extends Error {}

/** A failed API call, with what the user needs to read it. */
export class ApiError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  /** 403: the identity may not make this call. */
  get forbidden(): boolean {
    return this.status === 403;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}
