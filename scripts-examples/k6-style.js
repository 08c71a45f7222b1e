// A k6 script, unchanged: imports from 'k6' and calls sleep() and group() without await. wsk rewrites
// those calls (and the functions that make them) into awaited async calls when it bundles the script.
import { check, group, sleep } from 'k6';

export const options = { vus: 5, duration: '3s' };

function pause() {
  sleep(0.2);
}

export default function () {
  group('visit', function () {
    check(__VU, { 'has a VU id': (id) => id > 0 });
    pause();
  });
}
