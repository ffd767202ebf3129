/**
 * The dashboard's page script: draws each page in the browser from the JSON API (see
 * dashboard/dashboard-server.ts), and keeps it live by polling (live-refresh.ts). ES modules
 * served from /assets/, no network beyond this server; the charts use the vega libraries of
 * /assets/charts.js. The page shell (page-shell.ts) says which page this is in data attributes.
 */
import { h } from './element.js';
import { app } from './page-frame.js';
import { studiesPage } from './studies-page.js';
import { studyPage } from './study-page.js';
import { trialPage } from './trial-page.js';
import { workersPage } from './workers-page.js';

const shell = document.body.dataset;

switch (shell.page) {
  case 'studies':
    studiesPage();
    break;
  case 'study':
    studyPage(shell.study ?? '');
    break;
  case 'trial':
    trialPage(shell.study ?? '', Number(shell.trial));
    break;
  case 'workers':
    workersPage();
    break;
  default:
    app.replaceChildren(h('p', { class: 'error' }, 'unknown page'));
}
