// A labelled retrieval set: the knowledge base of a fictional veterinary clinic, and callers'
// questions each naming the document that answers it. Questions are phrased the way people
// ask on the phone (or type in a widget). Those marked `paraphrase` share no content word with
// their answer (only meaning), which a lexical embedder cannot be expected to match; those
// marked `typo` misspell their key word; the rest share at least one word with the answer.

export interface LabelledQuestion {
  question: string;
  expected: string;
  paraphrase?: boolean;
  /** Misspelt: full text misses the word; the embedder's character trigrams should not. */
  typo?: boolean;
}

export const CLINIC_NAME = "Lakeside Animal Hospital";

export const CLINIC_DOCS: { title: string; content: string; category: string; isPublic: boolean }[] = [
  {
    title: "Opening hours and holidays",
    category: "visit",
    isPublic: true,
    content: `## Regular hours

We are open Monday to Friday from 8am to 7pm and on Saturday from 9am to 2pm. We are closed on Sundays.

## Public holidays

The clinic is closed on New Year's Day, Thanksgiving and Christmas Day. On Christmas Eve and New Year's Eve we close early, at noon. For an urgent problem on those days, see our emergency care page.`,
  },
  {
    title: "Emergency and after-hours care",
    category: "care",
    isPublic: true,
    content: `If your pet is injured, has trouble breathing, has eaten something poisonous, or collapses, this is an emergency. During opening hours come straight in without an appointment and tell the front desk it is an emergency.

Outside opening hours, call our main number: the recording gives you the number of the on-call vet, who can meet you at the clinic. After-hours emergency visits carry a surcharge of $120 on top of the exam fee.`,
  },
  {
    title: "Vaccinations for puppies and kittens",
    category: "care",
    isPublic: true,
    content: `Puppies and kittens need a series of vaccines starting at 8 weeks of age, repeated every 3 to 4 weeks until 16 weeks. Dogs get the core DHPP vaccine and rabies; cats get FVRCP and rabies. Adult pets need boosters every one to three years depending on the vaccine.

Rabies vaccination is required by state law for dogs and cats. Bring any previous vaccination records to the first visit.`,
  },
  {
    title: "Prices and payment",
    category: "billing",
    isPublic: true,
    content: `A standard wellness exam costs $65. A rabies vaccine is $25 and other vaccines are $30 each. We accept cash, debit and all major credit cards, and we work with Trupanion and Nationwide pet insurance.

For bills over $500 we offer a payment plan through CareCredit. Payment is due when services are provided.`,
  },
  {
    title: "Appointments, cancellations and late arrivals",
    category: "appointments",
    isPublic: true,
    content: `Book an appointment by phone or through our website. Please give at least 24 hours notice if you need to cancel or reschedule; missed appointments without notice are charged a $40 fee.

If you are more than 15 minutes late we may need to move your appointment to a later slot.`,
  },
  {
    title: "Getting ready for surgery",
    category: "care",
    isPublic: true,
    content: `The night before a surgery or dental cleaning under anesthesia, do not feed your pet after 10pm. Water is fine until the morning.

Drop-off is between 7:30 and 8:30am on the day of the procedure. A vet will call you after the operation, and most pets go home the same afternoon. We send you home with written aftercare instructions and any pain medication your pet needs.`,
  },
  {
    title: "Boarding",
    category: "services",
    isPublic: true,
    content: `We board dogs and cats in separate quiet wards. Boarding costs $45 per night for dogs and $30 per night for cats, including two walks a day for dogs. Pets must be up to date on vaccines, including kennel cough (Bordetella) for dogs.

Reserve early for summer and the holidays, when we are often full.`,
  },
  {
    title: "Grooming",
    category: "services",
    isPublic: true,
    content: `Our groomer offers baths, haircuts, nail trims and ear cleaning for dogs and cats. A nail trim alone is $15 and needs no appointment on weekday mornings. Full grooming takes two to three hours; book it at least a week ahead.`,
  },
  {
    title: "Location and parking",
    category: "visit",
    isPublic: true,
    content: `We are at 410 Lakeshore Drive, across from the marina, next to the Shell gas station. Free parking is available in our own lot behind the building; the entrance is on Birch Street. Bus line 12 stops at the door.`,
  },
  {
    title: "Prescriptions and refills",
    category: "pharmacy",
    isPublic: true,
    content: `Request a refill of your pet's medication by phone or email at least two business days before you run out. Refills of long-term medication require an exam within the last 12 months. We also carry flea and tick prevention and heartworm tablets, and can send a prescription to an online pharmacy if you prefer.`,
  },
  {
    title: "New clients",
    category: "visit",
    isPublic: true,
    content: `Welcome! For the first visit, please arrive 10 minutes early to fill in the registration form, and ask your previous vet to email us your pet's medical records. We are currently accepting new patients, including cats, dogs, rabbits and guinea pigs.`,
  },
  {
    title: "Dental care for pets",
    category: "care",
    isPublic: true,
    content: `Bad breath, red gums and trouble chewing are signs of dental disease. We recommend a professional dental cleaning under anesthesia once a year for most adult dogs and cats, with X-rays to check the roots. Brushing your pet's teeth at home a few times a week helps a lot; we sell pet toothpaste at the front desk.`,
  },
  {
    title: "Exotic pets",
    category: "care",
    isPublic: false,
    content: `Dr. Alvarez sees rabbits, guinea pigs, ferrets, birds and reptiles on Tuesdays and Thursdays. Reptiles should come in a warm, secure carrier. We do not treat venomous snakes or primates.`,
  },
  {
    title: "Spaying and neutering",
    category: "care",
    isPublic: true,
    content: `We recommend spaying or neutering dogs and cats at around six months of age. The price is $250 for cats and from $350 for dogs, depending on weight, and includes pain relief and a cone. See the surgery preparation page for fasting and drop-off times.`,
  },
  {
    title: "Microchipping",
    category: "care",
    isPublic: true,
    content: `A microchip is a tiny implant under the skin that lets shelters identify a lost pet. Chipping takes a minute, needs no anesthesia and costs $45, including registration in the national database. Remember to update your phone number in the database when you move.`,
  },
];

export const QUESTIONS: LabelledQuestion[] = [
  { question: "What time do you close on Saturday?", expected: "Opening hours and holidays" },
  { question: "Are you open on Christmas?", expected: "Opening hours and holidays" },
  { question: "Are you open Sundays?", expected: "Opening hours and holidays" },
  { question: "My dog ate chocolate and is shaking, what do I do tonight?", expected: "Emergency and after-hours care", paraphrase: true },
  { question: "Is there a vet on call after hours?", expected: "Emergency and after-hours care" },
  { question: "How much extra is an emergency visit at night?", expected: "Emergency and after-hours care" },
  { question: "When should my kitten get her shots?", expected: "Vaccinations for puppies and kittens" },
  { question: "Does my dog need a rabies vaccine?", expected: "Vaccinations for puppies and kittens" },
  { question: "How often do adult pets need boosters?", expected: "Vaccinations for puppies and kittens" },
  { question: "How much does a checkup cost?", expected: "Prices and payment", paraphrase: true },
  { question: "Do you take pet insurance?", expected: "Prices and payment" },
  { question: "Can I pay in installments for a big bill?", expected: "Prices and payment", paraphrase: true },
  { question: "Do you accept credit cards?", expected: "Prices and payment" },
  { question: "What happens if I miss my appointment?", expected: "Appointments, cancellations and late arrivals" },
  { question: "How do I cancel an appointment?", expected: "Appointments, cancellations and late arrivals" },
  { question: "Can my cat eat before her operation?", expected: "Getting ready for surgery" },
  { question: "What time is drop-off for surgery?", expected: "Getting ready for surgery" },
  { question: "How much is boarding for a dog per night?", expected: "Boarding" },
  { question: "Can I leave my cat with you while I'm on vacation?", expected: "Boarding", paraphrase: true },
  { question: "Do you trim nails without an appointment?", expected: "Grooming" },
  { question: "How long does a full grooming take?", expected: "Grooming" },
  { question: "Where do I park?", expected: "Location and parking" },
  { question: "What is your address?", expected: "Location and parking", paraphrase: true },
  { question: "Which bus goes to the clinic?", expected: "Location and parking" },
  { question: "I need a refill of my dog's medication", expected: "Prescriptions and refills" },
  { question: "Do you sell heartworm tablets?", expected: "Prescriptions and refills" },
  { question: "Are you taking new patients?", expected: "New clients" },
  { question: "How do I transfer my pet's medical records from my old vet?", expected: "New clients" },
  { question: "My dog has bad breath, should I worry?", expected: "Dental care for pets" },
  { question: "Do you clean cats' teeth?", expected: "Dental care for pets" },
  { question: "Do you see rabbits or birds?", expected: "Exotic pets" },
  { question: "Which days can I bring my lizard?", expected: "Exotic pets", paraphrase: true },
  { question: "How much does it cost to neuter a dog?", expected: "Spaying and neutering" },
  { question: "At what age should I spay my cat?", expected: "Spaying and neutering" },
  { question: "How much is a microchip?", expected: "Microchipping" },
  { question: "How can a shelter identify my lost dog?", expected: "Microchipping" },
  { question: "do you do microchiping", expected: "Microchipping", typo: true },
  { question: "vacinations for my pupy", expected: "Vaccinations for puppies and kittens", typo: true },
  { question: "how much is bording per nite", expected: "Boarding", typo: true },
  { question: "perscription refil", expected: "Prescriptions and refills", typo: true },
];
