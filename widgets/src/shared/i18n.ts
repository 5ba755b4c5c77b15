// The widgets' words in English and Spanish; `locale` picks one (anything else is English).
// Each widget's words are a table of their own, so a script carries only the words it shows.

type Table<T> = { en: T; es: T };

const statusEn = {
  loading: "Loading…",
  offline: "Can’t reach the server. Check your connection.",
  retry: "Try again",
  badKey: "This widget’s key is not valid. The site owner should check the key attribute.",
  originRefused: (origin: string) => `This widget is not allowed on this website. The site owner should add ${origin} to the key’s allowed origins.`,
  rateLimited: (s: number) => `Too many requests right now. Trying again in ${s} s.`,
  failed: "Something went wrong. Please try again later.",
  tokenInvalid: "The access token is not valid or has expired; showing calls without caller details.",
};
/** The words of Status.svelte, which both widgets show. */
export type StatusStrings = typeof statusEn;
const statusEs: StatusStrings = {
  loading: "Cargando…",
  offline: "No se puede contactar con el servidor. Revisa tu conexión.",
  retry: "Reintentar",
  badKey: "La clave de este widget no es válida. El propietario del sitio debe revisar el atributo key.",
  originRefused: (origin) => `Este widget no está permitido en este sitio web. El propietario debe añadir ${origin} a los orígenes permitidos de la clave.`,
  rateLimited: (s) => `Demasiadas solicitudes ahora mismo. Se reintentará en ${s} s.`,
  failed: "Algo salió mal. Inténtalo más tarde.",
  tokenInvalid: "El token de acceso no es válido o ha caducado; se muestran las llamadas sin datos del llamante.",
};

const knowledgeEn = {
  search: "Search our answers",
  searchPlaceholder: "Ask a question…",
  all: "All",
  categories: "Categories",
  results: (n: number) => (n === 1 ? "1 answer" : `${n} answers`),
  noResults: (q: string) => (q ? `No answers for “${q}”.` : "No answers yet."),
  callUs: "Call us",
  stillQuestions: "Still have a question?",
};
export const knowledgeStrings: Table<typeof knowledgeEn> = {
  en: knowledgeEn,
  es: {
    search: "Buscar en nuestras respuestas",
    searchPlaceholder: "Haz una pregunta…",
    all: "Todas",
    categories: "Categorías",
    results: (n) => (n === 1 ? "1 respuesta" : `${n} respuestas`),
    noResults: (q) => (q ? `No hay respuestas para «${q}».` : "Aún no hay respuestas."),
    callUs: "Llámanos",
    stillQuestions: "¿Sigues con dudas?",
  },
};

const callLogEn = {
  calls: "Recent calls",
  noCalls: "No calls yet.",
  time: "Time",
  duration: "Duration",
  outcome: "Outcome",
  sentiment: "Sentiment",
  caller: "Caller",
  summary: "Summary",
  newer: "Newer",
  older: "Older",
  page: (n: number) => `Page ${n}`,
  updated: "Updated",
  outcomes: { resolved: "Resolved", message_taken: "Message taken", transferred: "Transferred", abandoned: "Abandoned", other: "Other" } as Record<string, string>,
  sentiments: { positive: "Positive", neutral: "Neutral", negative: "Negative" } as Record<string, string>,
  none: "—",
};
export const callLogStrings: Table<typeof callLogEn> = {
  en: callLogEn,
  es: {
    calls: "Llamadas recientes",
    noCalls: "Aún no hay llamadas.",
    time: "Hora",
    duration: "Duración",
    outcome: "Resultado",
    sentiment: "Sentimiento",
    caller: "Llamante",
    summary: "Resumen",
    newer: "Más recientes",
    older: "Anteriores",
    page: (n) => `Página ${n}`,
    updated: "Actualizado",
    outcomes: { resolved: "Resuelta", message_taken: "Mensaje tomado", transferred: "Transferida", abandoned: "Abandonada", voicemail: "Buzón de voz", other: "Otro" },
    sentiments: { positive: "Positivo", neutral: "Neutral", negative: "Negativo" },
    none: "—",
  },
};

/** A widget's words, with the status words, in the page's chosen language. */
export function stringsFor<T>(locale: string | undefined, table: Table<T>): T & StatusStrings {
  const es = !!locale?.toLowerCase().startsWith("es");
  return { ...(es ? statusEs : statusEn), ...table[es ? "es" : "en"] };
}
