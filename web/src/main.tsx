import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { rememberStoreFrom } from "./api/storeChoice";
import { App } from "./app/App";

rememberStoreFrom(window.location.search);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
