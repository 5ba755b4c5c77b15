// Middleware run one after the other as one Express layer. Express's router would, for each
// of them, match the path again, set up its parameters and wrap the call: ~20 layers on
// every request. As with app.use: next(err), a throw or a rejected promise skips the rest
// and goes to the app's error handler; next() past the last goes on to the app's next layer.
import type { NextFunction, Request, RequestHandler, Response } from "express";

export function chain(...handlers: (RequestHandler | null | undefined | false)[]): RequestHandler {
  const list = handlers.filter((h): h is RequestHandler => Boolean(h));
  return (req: Request, res: Response, done: NextFunction) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err) return done(err);
      const handler = list[i++];
      if (!handler) return done();
      try {
        const ret = handler(req, res, next) as unknown;
        if (ret instanceof Promise) ret.then(undefined, (e: unknown) => next(e ?? new Error("Rejected promise")));
      } catch (e) {
        next(e);
      }
    };
    next();
  };
}
