// RFC 4180 CSV: comma separated, fields optionally in double quotes (a quote inside doubled),
// quoted fields may hold commas and newlines, CRLF or LF line ends, an optional BOM.
import { AppError } from "../../errors.ts";

export interface CsvRow {
  /** 1-based line where the record starts, for error messages. */
  line: number;
  fields: string[];
}

export function parseCsv(input: string): CsvRow[] {
  const text = input.replace(/^\uFEFF/, "");
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let rowLine = 1;
  let inQuotes = false;
  let quotedStartLine = 0;
  let fieldStarted = false;

  const endField = () => {
    fields.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === "")) rows.push({ line: rowLine, fields });
    fields = [];
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          const next = text[i + 1];
          if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
            throw csvError(line, `unexpected character after a closing quote (a quote inside a quoted field is written "")`);
          }
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (fieldStarted && field.trim() !== "") throw csvError(line, `a quote inside an unquoted field (quote the whole field and double the quote)`);
      field = "";
      inQuotes = true;
      fieldStarted = true;
      quotedStartLine = line;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw csvError(quotedStartLine, "a quoted field is never closed");
  if (field !== "" || fields.length > 0) endRow();
  return rows;
}

function csvError(line: number, message: string): AppError {
  return new AppError("validation_failed", { userMessage: `CSV line ${line}: ${message}`, errors: [{ path: `line ${line}`, message }] });
}
