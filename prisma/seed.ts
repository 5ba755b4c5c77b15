// The demo business `npm start` creates on first run: a dental practice with a phone number,
// knowledge, agent settings and an owner login. Idempotent: run it as often as you like.
// `npm run db:seed` runs it against DATABASE_URL; the knowledge it adds is queued for
// indexing and indexed by whichever job worker runs next (the API's or `--worker`).
import { pathToFileURL } from "node:url";
import { createDb, type Db } from "@frontdesk/core/db/client";
import { ConfigError, loadConfig } from "@frontdesk/core/config/env";
import { createLogger } from "@frontdesk/core/observability/logger";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { writeAgentConfig } from "@frontdesk/core/agent/agent-config";
import { hashPassword } from "@frontdesk/core/auth/password";
import { createUser } from "@frontdesk/core/auth/create-user";
import { createBusiness } from "@frontdesk/core/business/create-business";

export const DEMO = {
  slug: "sunrise-dental",
  name: "Sunrise Dental",
  phoneNumber: "+15555550100",
  email: "demo@frontdesk.local",
  password: "frontdesk-demo",
};

const KNOWLEDGE = [
  {
    title: "Opening hours",
    category: "practice",
    content:
      "Sunrise Dental is open Monday to Friday from 8 am to 6 pm and on Saturday from 9 am to 1 pm. We are closed on Sundays and public holidays.",
  },
  {
    title: "Location and parking",
    category: "practice",
    content:
      "We are at 42 Harbor Street, Suite 3, Portland, Maine. Free parking is behind the building; the entrance is on Harbor Street. The number 8 bus stops outside.",
  },
  {
    title: "Services and prices",
    category: "services",
    content:
      "A routine check-up and cleaning costs $120. Teeth whitening costs $350. An emergency exam costs $95. Fillings start at $150 and crowns at $900. Children under 12 get a 20% discount on cleanings.",
  },
  {
    title: "Insurance and payment",
    category: "billing",
    content:
      "We accept Delta Dental, Cigna, Aetna and MetLife insurance. We take cash, all major cards and Apple Pay. Interest-free payment plans are available for treatments over $500.",
  },
  {
    title: "Appointments and cancellations",
    category: "appointments",
    content:
      "New patients should arrive 15 minutes early with their insurance card. Please give at least 24 hours notice to cancel or reschedule; late cancellations cost $50.",
  },
  {
    title: "Dental emergencies",
    category: "appointments",
    content:
      "We keep same-day emergency slots every weekday morning. For severe pain, swelling or a knocked-out tooth, call us right away and ask to be transferred to the dentist on call.",
  },
];

export interface SeedDeps {
  db: Db;
  /** Indexes each new document; the knowledge engine's createContent. */
  createContent(businessId: string, doc: { title: string; content: string; category?: string; isPublic?: boolean }): Promise<unknown>;
}

/** Creates the demo business unless it exists; returns whether it created it. */
export async function seedDemo({ db, createContent }: SeedDeps): Promise<boolean> {
  if (await db.business.findUnique({ where: { slug: DEMO.slug } })) return false;
  const owner =
    (await db.user.findUnique({ where: { email: DEMO.email } })) ??
    (await createUser(db, { email: DEMO.email, name: "Demo Owner", passwordHash: await hashPassword(DEMO.password) }));
  const business = await createBusiness(db, {
    ownerId: owner.id,
    slug: DEMO.slug,
    name: DEMO.name,
    description: "A family dental practice in Portland, Maine: check-ups, cleanings, whitening and same-day emergencies.",
    website: "https://sunrise-dental.example",
    industry: "dental",
    timezone: "America/New_York",
    hours: { mon: [["08:00", "18:00"]], tue: [["08:00", "18:00"]], wed: [["08:00", "18:00"]], thu: [["08:00", "18:00"]], fri: [["08:00", "18:00"]], sat: [["09:00", "13:00"]] },
  });
  const scoped = tenantDb(db, business.id);
  await scoped.subscription.create({ data: { businessId: business.id, plan: "free", status: "active" } });
  await scoped.phoneNumber.create({ data: { businessId: business.id, e164: DEMO.phoneNumber, label: "Main line" } });
  await writeAgentConfig(scoped, business.id, {
    prompt: "You are the friendly receptionist of Sunrise Dental. Keep answers short. Offer to take a message when you cannot help.",
    greeting: "Thanks for calling {business}, this is the virtual receptionist. How can I help you today?",
    transferNumber: "+15555550199",
  });
  for (const doc of KNOWLEDGE) await createContent(business.id, { ...doc, isPublic: true });
  return true;
}

/** `npm run db:seed`: seeds DATABASE_URL (migrated with `npm run db:deploy` first). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (!config.databaseUrl) {
    console.error("DATABASE_URL is not set: `npm run db:seed` seeds the database it names (`npm start` seeds its embedded one itself)");
    process.exit(2);
  }
  const db = createDb({ url: config.databaseUrl, poolMax: 2 });
  const logger = createLogger("seed", config.logLevel);
  // No cache: seeding only writes documents and queues their index jobs.
  const knowledge = createKnowledgeService({ db, config, logger });
  try {
    const created = await seedDemo({ db, createContent: knowledge.createContent });
    console.log(
      created
        ? `Created the demo business "${DEMO.name}" (login ${DEMO.email} / ${DEMO.password}, number ${DEMO.phoneNumber}); its knowledge is queued for the job worker.`
        : `The demo business "${DEMO.name}" already exists; nothing to do.`,
    );
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
