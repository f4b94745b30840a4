import { beforeEach, describe, expect, it } from "vitest";

import { chosenStore, rememberStoreFrom } from "./storeChoice";

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe("the store the app was opened with", () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
  });

  it("is remembered for the session", () => {
    rememberStoreFrom("?store=north-shop", storage);
    rememberStoreFrom("", storage); // a later page without the parameter keeps it
    expect(chosenStore(storage)).toBe("north-shop");
  });

  it("is forgotten with an empty or malformed value", () => {
    rememberStoreFrom("?store=north-shop", storage);
    rememberStoreFrom("?store=", storage);
    expect(chosenStore(storage)).toBeNull();
    rememberStoreFrom("?store=Not A Slug", storage);
    expect(chosenStore(storage)).toBeNull();
  });
});
