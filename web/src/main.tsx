import { render } from "solid-js/web";
import { App } from "./App.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (root) render(() => <App />, root);

// The installable, offline-capable shell (see sw-template.js). Not in dev: Vite serves modules live.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // Without a service worker the app still works online; nothing to tell the user.
    });
  });
}
