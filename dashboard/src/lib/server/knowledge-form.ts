// The knowledge editor's fields as the API's KnowledgeCreate/KnowledgeUpdate body.
export function knowledgeBody(v: Record<string, string>) {
  return { title: v.title ?? "", content: v.content ?? "", category: v.category?.trim() || null, isPublic: v.isPublic === "on" };
}
