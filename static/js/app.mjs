// Starts the GOV.UK Frontend components on every page. Every page works without this.
import { initAll } from "../build/govuk-frontend.min.js";

initAll();
import "./session-timeout.mjs";
import "./drafts.mjs";
