// The checks a JSON Schema cannot express, made at the edge on every string and number a
// request carries (path, query, headers, body): no NUL characters (PostgreSQL text cannot
// hold them), no lone UTF-16 surrogates ("\ud800" is valid JSON but not Unicode; PostgreSQL
// refuses it), no infinite numbers (`1e309` parses as Infinity, and Ajv lets Infinity through
// `integer` and `maximum`). Each problem is listed, answered as one 400 validation_failed.
import type { RequestHandler } from "express";
import type { SpecOperation } from "../spec/spec.ts";
import { invalid } from "./api-error.ts";

export interface InputProblem {
  path: string;
  message: string;
}

/** Enough to show a client every kind of mistake, not a megabyte of them. */
const MAX_PROBLEMS = 50;
const MAX_DEPTH = 64;

const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

function textProblem(s: string): string | null {
  if (s.includes("\u0000")) return "contains a NUL character";
  if (!wellFormed(s)) return "is not well-formed Unicode (a lone surrogate)";
  return null;
}

const printable = (key: string) => key.replaceAll("\u0000", "\\0").replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/** Adds the problems of a parsed value (strings, keys, numbers) under `path` to `out`. */
export function collectInputProblems(value: unknown, path: string, out: InputProblem[], depth = 0): void {
  if (out.length >= MAX_PROBLEMS) return;
  if (typeof value === "string") {
    const message = textProblem(value);
    if (message) out.push({ path, message });
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push({ path, message: "must be a finite number" });
    return;
  }
  if (depth > MAX_DEPTH || !value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectInputProblems(value[i], `${path}.${i}`, out, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    const keyMessage = textProblem(key);
    if (keyMessage) out.push({ path: `${path}.${printable(key)}`, message: `its name ${keyMessage}` });
    collectInputProblems((value as Record<string, unknown>)[key], `${path}.${printable(key)}`, out, depth + 1);
  }
}

/** A numeric query parameter whose text reads as an infinite number (1e309, -Infinity). */
function infiniteQueryNumbers(op: SpecOperation, query: Record<string, unknown>, out: InputProblem[]): void {
  for (const name of op.numericQuery) {
    const raw = query[name];
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (typeof v !== "string" || v.trim() === "") continue;
      const n = Number(v);
      if (n === Infinity || n === -Infinity) out.push({ path: `query.${name}`, message: "must be a finite number" });
    }
  }
}

function refuse(problems: InputProblem[]) {
  return invalid("The request holds text that is not well-formed Unicode, a NUL character or a number that is not finite.", problems);
}

/** Before anything reads the request: path parameters, query and headers. */
export function rejectMalformedUrl(): RequestHandler {
  return (req, _res, next) => {
    const problems: InputProblem[] = [];
    const fd = req.fd;
    if (fd) {
      collectInputProblems(fd.params, "path", problems);
      infiniteQueryNumbers(fd.op, req.query as Record<string, unknown>, problems);
    }
    collectInputProblems(req.query, "query", problems);
    collectInputProblems(req.headers, "header", problems);
    next(problems.length ? refuse(problems) : undefined);
  };
}

/** After the JSON body is parsed. */
export function rejectMalformedBody(): RequestHandler {
  return (req, _res, next) => {
    if (req.body === undefined || req.body === null || typeof req.body !== "object") return next();
    const problems: InputProblem[] = [];
    collectInputProblems(req.body, "body", problems);
    next(problems.length ? refuse(problems) : undefined);
  };
}
