import { currentUser, hasRole, signOut, type Me } from './api';
import { CASE_KINDS, type ProcessKey } from './cases';
import { h, show } from './dom';
import { currentLocale, label, setLocale, t, type MessageKey } from './messages';
import { loadOccupations } from './occupations';
import { checklistTemplatesPage, examinerImportPage } from './pages/admin';
import { applyQualificationPage, applyStationPage } from './pages/apply';
import { casePage } from './pages/case';
import { blankStockPage, stationBlankFormsPage } from './pages/blankStock';
import { certificateCheckPage, certificatePage } from './pages/certificate';
import { certificateImportPage } from './pages/certificateImport';
import { certificatesPage, certificateStaffPage } from './pages/certificates';
import { inboxPage } from './pages/inbox';
import { demonstrationStationsPage, fileComplaintPage, trackPage } from './pages/public';
import { signInPage } from './pages/signin';
import { statisticsPage } from './pages/statistics';
import { campaignPage, campaignsPage, stationsPage } from './pages/supervision';
import { isRegisterKind, registerPage, registersFor, registersIndexPage } from './pages/registers';
import { userPage, usersPage } from './pages/users';
import { warningPage, warningsPage } from './pages/warnings';
import { calendarPage } from './pages/calendar';
import { licencePage, renewalPage, stationLicencePage } from './pages/licence';
import { loadJurisdictions } from './places';

/** Hash routes: #/inbox, #/licence[/stations/<id>|/renewals/<id>], #/cases/<process>/<id>, #/stations, #/campaigns[/<id>], #/statistics[?subject=…&period=…&place=…&by=…], #/warnings[?rule=…&status=…&place=…], #/warnings/<id>, #/calendars[?year=…&province=…], #/registers[/<kind>?<filters>], #/users[?role=…&active=…], #/users/<id>, #/examiners/import, #/checklist-templates[?jurisdiction=…], #/certificates[?<filters>], #/certificates/<number>, #/certificates/import, #/blank-stock, #/stations/<id>/blank-forms[?quarter=…], #/public/… (complaint, track, demonstration-stations, certificate[/<number>][?s=<statement>], certificate-check), #/signin. */

const header = document.getElementById('header')!;
const main = document.getElementById('main')!;
let renders = 0;

function navigation(me: Me | null): HTMLElement {
  // The current page's link, and its subpages' (not a longer name's: #/public/certificate-check is no #/public/certificate).
  const current = (hash: string) => location.hash.startsWith(hash) && /^([/?]|$)/.test(location.hash.slice(hash.length));
  const link = (hash: string, key: MessageKey) => h('li', {}, h('a', { href: hash, 'aria-current': current(hash) ? 'page' : null }, t(key)));
  return h(
    'nav',
    { 'aria-label': t('app.title') },
    h(
      'ul',
      {},
      me ? link('#/inbox', 'nav.inbox') : null,
      hasRole(me, 'supervisor', 'station_admin', 'inspector', 'reviewer') ? link('#/stations', 'nav.stations') : null,
      me && registersFor(me).length ? link('#/registers', 'nav.registers') : null,
      hasRole(me, 'supervisor', 'reviewer', 'station_admin') ? link('#/certificates', 'nav.certificates') : null,
      hasRole(me, 'supervisor', 'station_admin') ? link('#/blank-stock', 'nav.blankStock') : null,
      hasRole(me, 'supervisor', 'station_admin') ? link('#/licence', 'nav.licence') : null,
      hasRole(me, 'supervisor')
        ? [
            link('#/campaigns', 'nav.campaigns'),
            link('#/statistics', 'nav.statistics'),
            link('#/warnings', 'nav.warnings'),
            link('#/calendars', 'nav.calendars'),
            link('#/examiners/import', 'nav.examinerImport'),
            link('#/checklist-templates', 'nav.checklistTemplates'),
          ]
        : null,
      // Only national supervisors manage the register (the API refuses everyone else).
      hasRole(me, 'supervisor') && me!.jurisdictions.includes('CN') ? link('#/users', 'nav.users') : null,
      link('#/public/complaint', 'nav.fileComplaint'),
      link('#/public/track', 'nav.track'),
      link('#/public/demonstration-stations', 'nav.demonstration'),
      link('#/public/certificate', 'nav.certificate'),
      link('#/public/certificate-check', 'nav.certificateCheck'),
    ),
  );
}

function renderHeader(me: Me | null): void {
  show(
    header,
    h('a', { class: 'skip', href: '#main', onclick: (e: Event) => (e.preventDefault(), main.focus()) }, t('app.skip')),
    h(
      'div',
      { class: 'bar' },
      h('span', { class: 'brand' }, t('app.title')),
      h(
        'div',
        { class: 'session' },
        me ? h('span', { class: 'who' }, t('nav.signedInAs', { user: me.id, roles: me.roles.map((r) => label('role', r)).join(', ') })) : null,
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            lang: currentLocale() === 'en' ? 'zh-CN' : 'en',
            onclick: () => (setLocale(currentLocale() === 'en' ? 'zh-CN' : 'en'), render()),
          },
          t('nav.language'),
        ),
        me
          ? h('button', { type: 'button', class: 'link', onclick: () => (signOut(), (location.hash = '#/signin')) }, t('nav.signOut'))
          : h('a', { href: '#/signin' }, t('nav.signIn')),
      ),
    ),
    navigation(me),
  );
}

async function render(): Promise<void> {
  const render = ++renders;
  const me = currentUser();
  const [route, query = ''] = location.hash.replace(/^#/, '').split('?');
  const [, section, ...rest] = route.split('/');
  renderHeader(me);
  // The names pages show for occupation and industry codes: read once, before the first page that shows one.
  if (me) await Promise.all([loadOccupations(), loadJurisdictions()]);
  const signedIn = (page: (me: Me) => Promise<void> | void) => (me ? page(me) : (location.hash = '#/signin'));
  switch (section) {
    case 'public':
      if (rest[0] === 'track') trackPage(main, decodeURIComponent(rest[1] ?? ''));
      else if (rest[0] === 'demonstration-stations') await demonstrationStationsPage(main);
      else if (rest[0] === 'certificate') certificatePage(main, decodeURIComponent(rest[1] ?? ''), new URLSearchParams(query));
      else if (rest[0] === 'certificate-check') certificateCheckPage(main);
      else fileComplaintPage(main);
      break;
    case 'signin':
      await signInPage(main, () => (location.hash = '#/inbox'));
      break;
    case 'cases':
      if (rest[0] in CASE_KINDS) await signedIn((me) => casePage(main, me, rest[0] as ProcessKey, decodeURIComponent(rest[1] ?? '')));
      break;
    case 'apply':
      await signedIn((me) => applyStationPage(main, me));
      break;
    case 'qualifications':
      if (rest[0] === 'apply') await signedIn((me) => applyQualificationPage(main, me));
      break;
    case 'stations':
      if (rest[1] === 'blank-forms') await signedIn((me) => stationBlankFormsPage(main, me, decodeURIComponent(rest[0]), new URLSearchParams(query)));
      else await signedIn(() => stationsPage(main));
      break;
    case 'certificates':
      if (rest[0] === 'import') await signedIn((me) => certificateImportPage(main, me));
      else if (rest[0]) await signedIn((me) => certificateStaffPage(main, me, decodeURIComponent(rest[0])));
      else await signedIn((me) => certificatesPage(main, me, new URLSearchParams(query)));
      break;
    case 'licence':
      if (rest[0] === 'stations' && rest[1]) await signedIn((me) => stationLicencePage(main, me, decodeURIComponent(rest[1])));
      else if (rest[0] === 'renewals' && rest[1]) await signedIn((me) => renewalPage(main, me, decodeURIComponent(rest[1])));
      else await signedIn((me) => licencePage(main, me));
      break;
    case 'blank-stock':
      await signedIn((me) => blankStockPage(main, me, new URLSearchParams(query)));
      break;
    case 'campaigns':
      await signedIn(() => (rest[0] ? campaignPage(main, decodeURIComponent(rest[0]), () => render === renders) : campaignsPage(main)));
      break;
    case 'statistics':
      await signedIn((me) => statisticsPage(main, me, new URLSearchParams(query)));
      break;
    case 'calendars':
      await signedIn((me) => calendarPage(main, me, new URLSearchParams(query)));
      break;
    case 'warnings':
      await signedIn(() => (rest[0] ? warningPage(main, decodeURIComponent(rest[0])) : warningsPage(main, new URLSearchParams(query))));
      break;
    case 'registers':
      await signedIn((me) => (rest[0] && isRegisterKind(rest[0]) ? registerPage(main, me, rest[0], new URLSearchParams(query)) : registersIndexPage(main, me)));
      break;
    case 'examiners':
      if (rest[0] === 'import') await signedIn(() => examinerImportPage(main));
      break;
    case 'checklist-templates':
      await signedIn((me) => checklistTemplatesPage(main, me, new URLSearchParams(query)));
      break;
    case 'users':
      await signedIn(() => (rest[0] ? userPage(main, decodeURIComponent(rest[0])) : usersPage(main, new URLSearchParams(query))));
      break;
    default:
      if (section === 'inbox' && me) await inboxPage(main, me, () => render === renders);
      else location.hash = me ? '#/inbox' : '#/signin';
  }
  // Tell a screen reader (and the keyboard) where the new page starts.
  if (render === renders) main.querySelector<HTMLElement>('h1')?.focus();
  document.title = `${main.querySelector('h1')?.textContent ?? ''} · ${t('app.title')}`;
}

setLocale(currentLocale());
window.addEventListener('hashchange', () => void render());
void render();
