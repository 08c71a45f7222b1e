// Modules a script imports by URL (https://jslib.k6.io/...) come without declarations: to
// `wsk run --typecheck` their exports are `any`, and the check covers the script's own code.
declare module 'https://*';
declare module 'http://*';
