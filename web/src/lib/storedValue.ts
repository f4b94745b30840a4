/**
 * A string kept in localStorage that every tab can watch: changes made in this tab notify
 * its own subscribers, changes made in another arrive through the `storage` event.
 */
export interface StoredValue {
  read: () => string | null;
  write: (value: string | null) => void;
  subscribe: (listener: () => void) => () => void;
}

export function storedValue(key: string): StoredValue {
  const listeners = new Set<() => void>();
  return {
    read: () => localStorage.getItem(key),
    write: (value) => {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener();
      };
      window.addEventListener("storage", onStorage);
      return () => {
        listeners.delete(listener);
        window.removeEventListener("storage", onStorage);
      };
    },
  };
}
