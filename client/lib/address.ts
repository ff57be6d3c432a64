// The screen's address as state: a parameter written without reloading the page or adding history.

/** Sets (or with null removes) one parameter of the address, keeping the others. */
export function setAddressParam(name: string, value: string | null): void {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  // `exercise` is written bare, as people type it (lib/world.ts)
  const search = url.searchParams.toString().replace(/(^|&)exercise=(?=&|$)/, '$1exercise');
  window.history.replaceState(window.history.state, '', `${url.pathname}${search ? `?${search}` : ''}${url.hash}`);
}
