// A k6 module wsk does not have fails before the test starts, with one line naming it.
import { browser } from 'k6/browser';

export const options = { iterations: 1 };

export default async function () {
  const page = await browser.newPage();
  await page.goto(__ENV.BASE_URL);
}
