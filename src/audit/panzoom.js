/* panzoom.js — pan and zoom for the diagrams of procmap's audit page.
 * Each <div class="vp"> holds one diagram (an inline <svg>) drawn at its
 * natural size; this script moves and scales it: the mouse wheel zooms
 * round the pointer, a drag pans, the buttons zoom, reset puts it back,
 * and with the viewport focused + - 0 and the arrow keys do the same.
 * A link to an element of a diagram (#process-ID, #step-ID) brings that
 * element to the middle of its viewport.  No network, no other file. */
(function () {
	"use strict";
	var views = [];

	function View(vp) {
		var self = this;
		this.vp = vp;
		this.svg = vp.querySelector("svg");
		this.s = 1;
		this.x = 0;
		this.y = 0;
		this.svg.style.transformOrigin = "0 0";
		vp.addEventListener("wheel", function (e) {
			e.preventDefault();
			var r = vp.getBoundingClientRect();
			self.zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX - r.left, e.clientY - r.top);
		}, { passive: false });
		var drag = null;
		vp.addEventListener("pointerdown", function (e) {
			if (e.button !== 0 || e.target.closest("a"))
				return;
			drag = { x: e.clientX - self.x, y: e.clientY - self.y };
			vp.setPointerCapture(e.pointerId);
			vp.classList.add("drag");
		});
		vp.addEventListener("pointermove", function (e) {
			if (!drag)
				return;
			self.x = e.clientX - drag.x;
			self.y = e.clientY - drag.y;
			self.apply();
		});
		function end() {
			drag = null;
			vp.classList.remove("drag");
		}
		vp.addEventListener("pointerup", end);
		vp.addEventListener("pointercancel", end);
		vp.addEventListener("keydown", function (e) {
			var k = e.key, step = 40;
			if (k === "+" || k === "=")
				self.zoom(1.2);
			else if (k === "-" || k === "_")
				self.zoom(1 / 1.2);
			else if (k === "0")
				self.reset();
			else if (k === "ArrowLeft")
				self.pan(step, 0);
			else if (k === "ArrowRight")
				self.pan(-step, 0);
			else if (k === "ArrowUp")
				self.pan(0, step);
			else if (k === "ArrowDown")
				self.pan(0, -step);
			else
				return;
			e.preventDefault();
		});
		var bar = document.createElement("div");
		bar.className = "pz";
		[["+", "zoom in (+)", function () { self.zoom(1.2); }],
		 ["\u2212", "zoom out (-)", function () { self.zoom(1 / 1.2); }],
		 ["reset", "actual size (0)", function () { self.reset(); }]].forEach(function (b) {
			var el = document.createElement("button");
			el.type = "button";
			el.textContent = b[0];
			el.title = b[1];
			el.addEventListener("click", b[2]);
			bar.appendChild(el);
		});
		vp.parentNode.insertBefore(bar, vp);
	}
	View.prototype.apply = function () {
		this.svg.style.transform = "translate(" + this.x + "px," + this.y + "px) scale(" + this.s + ")";
	};
	View.prototype.zoom = function (f, cx, cy) {
		if (cx === undefined) {
			cx = this.vp.clientWidth / 2;
			cy = this.vp.clientHeight / 2;
		}
		var s = Math.min(8, Math.max(0.1, this.s * f));
		f = s / this.s;
		this.x = cx - (cx - this.x) * f;
		this.y = cy - (cy - this.y) * f;
		this.s = s;
		this.apply();
	};
	View.prototype.pan = function (dx, dy) {
		this.x += dx;
		this.y += dy;
		this.apply();
	};
	View.prototype.reset = function () {
		this.s = 1;
		this.x = 0;
		this.y = 0;
		this.apply();
	};
	/* the element's middle in the middle of the viewport, at actual size */
	View.prototype.show = function (el) {
		this.reset();
		var r = el.getBoundingClientRect(), o = this.svg.getBoundingClientRect();
		this.x = this.vp.clientWidth / 2 - (r.left - o.left + r.width / 2);
		this.y = this.vp.clientHeight / 2 - (r.top - o.top + r.height / 2);
		this.apply();
	};

	function target() {
		var id = decodeURIComponent(location.hash.slice(1));
		var el = id && document.getElementById(id);
		if (!el)
			return;
		for (var i = 0; i < views.length; i++)
			if (views[i].vp.contains(el)) {
				views[i].show(el);
				views[i].vp.scrollIntoView({ block: "center" });
				return;
			}
	}
	function init() {
		views = [];
		document.querySelectorAll("div.vp").forEach(function (vp) {
			if (vp.querySelector("svg"))
				views.push(new View(vp));
		});
	}
	init();
	/* procmap serve put a new page in: its viewports are new */
	document.addEventListener("procmap:page", init);
	window.addEventListener("hashchange", target);
	target();
})();
