// The one job @n8n/node-cli does not do: `n8n-node dev` copies icons into dist once, at start.
// `npm run dev:icons` (beside `npm run dev`) copies every changed node/credential icon again.
const { src, dest, watch, series } = require('gulp');

const ICONS = ['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'];

function copyIcons() {
	return src(ICONS, { base: '.', encoding: false }).pipe(dest('dist'));
}

function watchIcons() {
	watch(ICONS, { ignoreInitial: false }, copyIcons);
}

exports.copyIcons = copyIcons;
exports.watchIcons = series(copyIcons, watchIcons);
