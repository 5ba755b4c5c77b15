import type { Session } from "$lib/types";

declare global {
  namespace App {
    interface Locals {
      session: Session | null;
      /** The API could not be reached while serving this request. */
      apiDown: boolean;
    }
  }
}

export {};
