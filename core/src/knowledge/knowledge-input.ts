// What a knowledge document must look like, for single writes and bulk imports alike, and
// how a validation failure is reported (AppError validation_failed, one line per problem).
import { z } from "zod";
import { AppError } from "../errors.ts";

export const KNOWLEDGE_LIMITS = {
  titleChars: 200,
  contentChars: 100_000,
  categoryChars: 64,
  documentsPerImport: 500,
} as const;

// Postgres text cannot hold NUL; a pasted document sometimes carries one.
const text = (max: number) => z.string().transform((s) => s.replace(/\u0000/g, "").trim()).pipe(z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`));

const category = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().max(KNOWLEDGE_LIMITS.categoryChars, `must be at most ${KNOWLEDGE_LIMITS.categoryChars} characters`))
  .transform((s) => s || null)
  .nullable();

export const KnowledgeDocSchema = z
  .object({
    title: text(KNOWLEDGE_LIMITS.titleChars),
    content: text(KNOWLEDGE_LIMITS.contentChars),
    category: category.optional(),
    isPublic: z.boolean().optional(),
  })
  .strict();

export const KnowledgePatchSchema = KnowledgeDocSchema.partial().strict();

export type KnowledgeDocInput = z.input<typeof KnowledgeDocSchema>;
export type KnowledgeDoc = z.output<typeof KnowledgeDocSchema>;
export type KnowledgePatch = z.output<typeof KnowledgePatchSchema>;

export interface FieldProblem {
  path: string;
  message: string;
}

/** Parses with a schema or throws validation_failed naming each bad field under `prefix`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationError(problemsOf(parsed.error, prefix));
}

export function problemsOf(error: z.ZodError, prefix = ""): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("").replace(/^\./, "");
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : issue.code === "invalid_type"
          ? / received undefined$/.test(issue.message)
            ? "is required"
            : `must be ${issue.expected === "array" || issue.expected === "object" ? "an" : "a"} ${issue.expected}`
          : issue.message;
    return { path: path || "(document)", message };
  });
}

export function validationError(problems: FieldProblem[]): AppError {
  const shown = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : "";
  return new AppError("validation_failed", { userMessage: shown.join("; ") + more, errors: problems.slice(0, 100) });
}
