/**
 * A value made once per owner object, on first use, and kept as long as the owner
 * lives (a WeakMap): per-app state of services that are plain functions (keyed by
 * the app's deps), or work done once per club clock.
 */
export function onePer<K extends object, V>(make: (owner: K) => V): (owner: K) => V {
  const made = new WeakMap<K, V>();
  return (owner) => {
    let value = made.get(owner);
    if (value === undefined) {
      value = make(owner);
      made.set(owner, value);
    }
    return value;
  };
}
