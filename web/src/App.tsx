import { A, Navigate, Route, Router, type RouteSectionProps, useLocation } from "@solidjs/router";
import { createSignal, For, type JSX, lazy, Match, onMount, Show, Switch } from "solid-js";
import { ApiError, signedOut } from "./api.ts";
import { t } from "./i18n/index.ts";
import { CustomerCard } from "./rep/CustomerCard.tsx";
import { DiaryPage } from "./rep/Diary.tsx";
import { describe } from "./rep/errors.ts";
import { Home } from "./rep/Home.tsx";
import { Lists } from "./rep/Lists.tsx";
import { MePage } from "./rep/MePage.tsx";
import { PlansPage as RepPlans } from "./rep/PlansPage.tsx";
import { PromotionsPage as RepPromotions } from "./rep/PromotionsPage.tsx";
import { CLUB_KEY, isLead, isManager, loadSession, me, notice, ready, signIn, signOut } from "./session.ts";
import { LangSwitch, LiveDot, Loading } from "./ui/common.tsx";
import { Icon, type IconName } from "./ui/icons.tsx";

// Manager, analysis and TV screens load on demand: the phone's shell stays small.
const named = <K extends string>(p: Promise<Record<K, () => JSX.Element>>, k: K) => p.then((m) => ({ default: m[k] }));
const Board = lazy(() => named(import("./manager/Board.tsx"), "Board"));
const Review = lazy(() => named(import("./manager/Review.tsx"), "Review"));
const Targets = lazy(() => named(import("./manager/Targets.tsx"), "Targets"));
const MonthClose = lazy(() => named(import("./manager/MonthClose.tsx"), "MonthClose"));
const CustomersTable = lazy(() => named(import("./manager/Customers.tsx"), "CustomersTable"));
const ImportPage = lazy(() => named(import("./manager/Import.tsx"), "ImportPage"));
const SettingsPage = lazy(() => named(import("./manager/Settings.tsx"), "SettingsPage"));
const AwardsPage = lazy(() => named(import("./manager/Awards.tsx"), "AwardsPage"));
const ComplaintsPage = lazy(() => named(import("./manager/Complaints.tsx"), "ComplaintsPage"));
const PlansPage = lazy(() => named(import("./manager/Plans.tsx"), "PlansPage"));
const PromotionsDesk = lazy(() => named(import("./manager/Promotions.tsx"), "PromotionsDesk"));
const UsersPage = lazy(() => named(import("./manager/Users.tsx"), "UsersPage"));
const TeamsPage = lazy(() => named(import("./manager/Teams.tsx"), "TeamsPage"));
const MyTeam = lazy(() => named(import("./manager/MyTeam.tsx"), "MyTeamHeader"));
const DiariesPage = lazy(() => named(import("./manager/Diaries.tsx"), "DiariesPage"));
const RepDetail = lazy(() => named(import("./manager/RepDetail.tsx"), "RepDetail"));
const HandoverPage = lazy(() => named(import("./manager/Handover.tsx"), "HandoverPage"));
const Analysis = lazy(() => named(import("./analysis/Analysis.tsx"), "Analysis"));
const Tv = lazy(() => named(import("./board/Tv.tsx"), "Tv"));

function Login() {
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await signIn({ club: String(f.get("club")), email: String(f.get("email")), password: String(f.get("password")) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="login-page">
      <div class="login-top">
        <LangSwitch />
      </div>
      <form class="login card" onSubmit={submit} aria-labelledby="login-title">
        <div class="brand big">
          <span class="brand-mark" aria-hidden="true">
            C
          </span>
          <span>Clubhouse</span>
        </div>
        <h1 id="login-title">{t("login.title")}</h1>
        <Show when={notice()}>
          {(n) => (
            <p class="banner pending" role="status" data-testid="login-notice">
              {n() === "expired" ? t("login.expired") : t("login.signedOutOffline")}
            </p>
          )}
        </Show>
        <label class="field">
          <span>{t("login.club")}</span>
          <input name="club" autocomplete="organization" required value={localStorage.getItem(CLUB_KEY) ?? ""} />
        </label>
        <label class="field">
          <span>{t("login.email")}</span>
          <input name="email" type="email" autocomplete="username" required />
        </label>
        <label class="field">
          <span>{t("login.password")}</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <Show when={error()}>
          {(e) => (
            <p class="form-error" role="alert" data-testid="login-error">
              {e() instanceof ApiError && (e() as ApiError).status === 401 ? t("login.wrong") : describe(e())}
            </p>
          )}
        </Show>
        <button type="submit" class="btn primary block" disabled={busy()} data-testid="sign-in">
          {busy() ? t("state.loading") : t("login.submit")}
        </button>
      </form>
    </main>
  );
}

interface NavItem {
  href: string;
  label: () => string;
  icon: IconName;
  end?: boolean;
}

const repNav: NavItem[] = [
  { href: "/", label: () => t("nav.today"), icon: "home", end: true },
  { href: "/lists/overdue", label: () => t("nav.lists"), icon: "list" },
  { href: "/week", label: () => t("repPlan.tab"), icon: "calendar" },
  { href: "/promotions", label: () => t("promo.nav"), icon: "board" },
  { href: "/diary", label: () => t("nav.diary"), icon: "diary" },
  { href: "/me", label: () => t("nav.me"), icon: "user" },
];

const managerNav: NavItem[] = [
  { href: "/board", label: () => t("nav.board"), icon: "board" },
  { href: "/review", label: () => t("nav.review"), icon: "review" },
  { href: "/diaries", label: () => t("nav.diaries"), icon: "diary" },
  { href: "/targets", label: () => t("nav.targets"), icon: "target" },
  { href: "/close", label: () => t("nav.close"), icon: "lock" },
  { href: "/complaints", label: () => t("nav.complaints"), icon: "alert" },
  { href: "/plans", label: () => t("nav.plans"), icon: "calendar" },
  { href: "/promotions", label: () => t("promo.nav"), icon: "board" },
  { href: "/customers", label: () => t("nav.customers"), icon: "user" },
  { href: "/analysis", label: () => t("nav.analysis"), icon: "chart" },
  { href: "/import", label: () => t("nav.import"), icon: "upload" },
  { href: "/awards", label: () => t("nav.awards"), icon: "trophy" },
  { href: "/users", label: () => t("nav.users"), icon: "user" },
  { href: "/teams", label: () => t("nav.teams"), icon: "user" },
  { href: "/settings", label: () => t("nav.settings"), icon: "settings" },
];

/** The desk's screens a team lead cannot use (club-wide actions): hidden from their nav. */
const clubOnly = new Set(["/close", "/analysis", "/import", "/awards", "/users", "/teams", "/settings"]);
const deskNav = () => (isLead() ? managerNav.filter((n) => !clubOnly.has(n.href)) : managerNav);

function RepLayout(props: { children: JSX.Element }) {
  return (
    <div class="rep-shell">
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            C
          </span>
          <span class="brand-club">{me()?.tenant.name}</span>
        </div>
        <LiveDot />
        <LangSwitch />
      </header>
      <main id="main" class="rep-main">
        {props.children}
      </main>
      <nav class="tabbar" aria-label={t("nav.main")}>
        <For each={repNav}>
          {(n) => (
            <A href={n.href} end={n.end} activeClass="active">
              <Icon name={n.icon} size={22} />
              <span>{n.label()}</span>
            </A>
          )}
        </For>
      </nav>
    </div>
  );
}

function ManagerLayout(props: { children: JSX.Element }) {
  return (
    <div class="mgr-shell">
      <a class="skip" href="#main">
        {t("nav.skip")}
      </a>
      <aside class="sidebar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            C
          </span>
          <span class="brand-club">{me()?.tenant.name}</span>
        </div>
        <nav aria-label={t("nav.main")}>
          <For each={deskNav()}>
            {(n) => (
              <A href={n.href} activeClass="active">
                <Icon name={n.icon} size={18} />
                <span>{n.label()}</span>
              </A>
            )}
          </For>
          <A href="/tv" class="tv-link">
            <Icon name="tv" size={18} />
            <span>{t("nav.tv")}</span>
          </A>
        </nav>
        <div class="sidebar-foot">
          <LiveDot />
          <div class="who">
            <span>{me()?.user.name}</span>
            <span class="muted small">{t(`role.${me()?.user.role ?? "rep"}`)}</span>
          </div>
          <div class="row gap">
            <LangSwitch />
            <button type="button" class="btn secondary small" onClick={() => void signOut()}>
              <Icon name="logout" size={16} /> {t("action.signOut")}
            </button>
          </div>
        </div>
      </aside>
      <main id="main" class="mgr-main">
        <Show when={isLead()}>
          <MyTeam />
        </Show>
        {props.children}
      </main>
    </div>
  );
}

function Root(props: RouteSectionProps) {
  const location = useLocation();
  return (
    <Switch>
      <Match when={!ready()}>
        <div class="splash">
          <Loading />
        </div>
      </Match>
      <Match when={!me() || signedOut()}>
        <Login />
      </Match>
      <Match when={location.pathname === "/tv"}>{props.children}</Match>
      <Match when={isManager() || isLead()}>
        <ManagerLayout>{props.children}</ManagerLayout>
      </Match>
      <Match when={true}>
        <RepLayout>{props.children}</RepLayout>
      </Match>
    </Switch>
  );
}

function Start() {
  return (
    <Switch fallback={<Home />}>
      <Match when={isManager()}>
        <Navigate href="/board" />
      </Match>
      <Match when={isLead()}>
        <Navigate href="/customers" />
      </Match>
    </Switch>
  );
}

/** 第五条 1.2: the rep asks for and sees their promotions; the desk decides them. */
function Promotions() {
  return (
    <Show when={isManager() || isLead()} fallback={<RepPromotions />}>
      <PromotionsDesk />
    </Show>
  );
}

function NotFound() {
  return (
    <div class="page">
      <h1>{t("notFound.title")}</h1>
      <p>
        <A href="/">{t("notFound.home")}</A>
      </p>
    </div>
  );
}

export function App() {
  onMount(() => void loadSession());
  return (
    <Router root={Root}>
      <Route path="/" component={Start} />
      <Route path="/c/:id" component={CustomerCard} />
      <Route path="/diary/:date?" component={DiaryPage} />
      <Route path="/lists/:kind" component={Lists} />
      <Route path="/me" component={MePage} />
      <Route path="/week" component={RepPlans} />
      <Route path="/board" component={Board} />
      <Route path="/review" component={Review} />
      <Route path="/targets" component={Targets} />
      <Route path="/close" component={MonthClose} />
      <Route path="/customers" component={CustomersTable} />
      <Route path="/analysis" component={Analysis} />
      <Route path="/import" component={ImportPage} />
      <Route path="/awards" component={AwardsPage} />
      <Route path="/complaints" component={ComplaintsPage} />
      <Route path="/plans" component={PlansPage} />
      <Route path="/promotions" component={Promotions} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/users" component={UsersPage} />
      <Route path="/handover" component={HandoverPage} />
      <Route path="/teams" component={TeamsPage} />
      <Route path="/diaries/:date?" component={DiariesPage} />
      <Route path="/manager/reps/:id" component={RepDetail} />
      <Route path="/tv" component={Tv} />
      <Route path="*" component={NotFound} />
    </Router>
  );
}
