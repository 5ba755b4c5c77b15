// A form that places a call carries an Idempotency-Key made on its first submit and kept for
// the page's life: a double click places one call, not two. (Without JavaScript: no key.)
export function oncePerPage(e: SubmitEvent & { currentTarget: HTMLFormElement }): void {
  const key = e.currentTarget.elements.namedItem("idempotencyKey");
  if (key instanceof HTMLInputElement && !key.value) key.value = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
