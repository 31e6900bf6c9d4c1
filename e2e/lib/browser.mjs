// What the end-to-end checks share: Debian's Chromium, the demo's guest sign-in, and
// the measurements the report records (mesh page layout, requests per view, contrast).
import { chromium } from 'playwright-core';

/** Debian's Chromium, headless, without background traffic. */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Navigates to `url` and waits for `ready`; a full page load may show the guest
 * sign-in again, so "Enter" is pressed whenever it shows, until the page is ready.
 */
export async function openSignedIn(page, url, ready) {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  for (;;) {
    await ready.or(enter).first().waitFor();
    if (await ready.first().isVisible()) return;
    await enter.click({ timeout: 5_000 }).catch(() => undefined);
  }
}

/**
 * Runs `action` and returns the paths of the requests the page sent to the Istio
 * backend meanwhile (what one view costs).
 */
export async function istioRequestsDuring(page, action) {
  const paths = [];
  const listener = request => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/istio/')) paths.push(pathname);
  };
  page.on('request', listener);
  try {
    await action();
  } finally {
    page.off('request', listener);
  }
  return paths;
}

/**
 * The mesh page as a platform engineer first sees it in a 1440 × 900 window: how long
 * until the first finding shows (from `navigate`), whether the control plane summary
 * and the top findings are on the first screen, and how tall the whole page is.
 */
export async function measureMeshPage(page, navigate) {
  const previous = page.viewportSize();
  await page.setViewportSize({ width: 1440, height: 900 });
  try {
    const started = Date.now();
    await navigate();
    const firstGroup = page.getByTestId('istio-diagnostic-group').first();
    await firstGroup.waitFor();
    const firstRenderMs = Date.now() - started;
    const summary = await page
      .getByTestId('istio-cluster-summary')
      .first()
      .boundingBox();
    const group = await firstGroup.boundingBox();
    const layout = await page.evaluate(() => ({
      scrollY: window.scrollY,
      pageHeightPx: document.documentElement.scrollHeight,
    }));
    return {
      firstRenderMs,
      pageHeightPx: layout.pageHeightPx,
      groups: await page.getByTestId('istio-diagnostic-group').count(),
      summaryTopPx: Math.round(summary.y + layout.scrollY),
      firstFindingBottomPx: Math.round(group.y + group.height + layout.scrollY),
      firstScreenShowsTopFindings:
        layout.scrollY === 0 &&
        summary.y < 900 &&
        group.y + group.height <= 900,
    };
  } finally {
    await page.setViewportSize(previous);
  }
}

/** WCAG relative luminance of a CSS `rgb()`/`rgba()` colour. */
function luminance(color) {
  const [r, g, b] = color
    .match(/[\d.]+/g)
    .slice(0, 3)
    .map(Number)
    .map(v => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The lowest WCAG contrast ratio between the text inside `locator` and the background
 * it is drawn on (the nearest ancestor with an opaque background).
 */
export async function lowestTextContrast(locator) {
  const pairs = await locator.evaluate(root => {
    const backgroundOf = element => {
      for (let e = element; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (bg && !/rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent')
          return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    const texts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const element = node.parentElement;
      texts.push([getComputedStyle(element).color, backgroundOf(element)]);
    }
    return texts;
  });
  if (pairs.length === 0) throw new Error('no text to measure');
  return Math.min(
    ...pairs.map(([fg, bg]) => {
      const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    }),
  );
}

/** Switches the app's theme (Backstage keeps the choice in local storage) and reloads. */
export async function switchTheme(page, theme) {
  await page.evaluate(t => window.localStorage.setItem('theme', t), theme);
  await page.reload();
}
