"""Mapa: the rejon's named places with their radius, the day's entries and the GPS fix.

Tapping a place (on the map, or its button in the list under it) opens the quick-log form
with that place preset. Tiles come from the configured address (``REJON_TILE_URL``, or the
field at the bottom of this screen: OpenStreetMap, a unit's own tile server); with none set —
offline, or on a machine without internet — nothing is requested and the map draws places,
entries and the fix on a plain background. A supervisor sees the whole unit's places and
entries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import flet as ft
import flet_geolocator as fgl
import flet_map as fmap

from app.core.i18n import fmt_number, translator
from app.core.i18n.labels import kind_label
from app.core.model import Place, Role
from app.core.model.clock import to_local
from app.device.ui import controls, gps, services
from app.device.ui.shell import Shell, route_for
from app.device.ui.state import Fix

_ = translator("ui")

MAP_HEIGHT = 430
PLAIN_BACKGROUND = "#E4E9F0"
ENTRY_COLOR = "#E65100"
FIX_COLOR = "#1565C0"
WIDE_VIEW = fmap.MapLatitudeLongitude(52.0, 19.4)
"""Poland, when there is nothing to show yet."""


def point(lat: float, lon: float) -> fmap.MapLatitudeLongitude:
    return fmap.MapLatitudeLongitude(latitude=lat, longitude=lon)


def tile_layers(url: str) -> list[fmap.MapLayer]:
    """The tile layer for ``url`` (and OpenStreetMap's required credit); none without a URL."""
    if not url:
        return []
    layers: list[fmap.MapLayer] = [
        fmap.TileLayer(url_template=url, user_agent_package_name="pl.policja.rejon")
    ]
    if "openstreetmap" in (urlsplit(url).hostname or ""):
        layers.append(fmap.SimpleAttribution(text="© OpenStreetMap"))
    return layers


def _badge(number: int) -> ft.Control:
    return ft.Container(
        ft.Text(str(number), size=13, weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE),
        width=26,
        height=26,
        border_radius=13,
        bgcolor=controls.PRIMARY,
        border=ft.Border.all(2, ft.Colors.WHITE),
        alignment=ft.Alignment.CENTER,
    )


def _dot(color: str, size: int) -> ft.Control:
    return ft.Container(
        width=size,
        height=size,
        border_radius=size / 2,
        bgcolor=color,
        border=ft.Border.all(2, ft.Colors.WHITE),
    )


def _ring() -> ft.Control:
    """Where the officer is: a ring, so a place's badge under it stays readable."""
    return ft.Container(
        width=38,
        height=38,
        border_radius=19,
        bgcolor=ft.Colors.with_opacity(0.25, FIX_COLOR),
        border=ft.Border.all(4, FIX_COLOR),
    )


def place_circles(places: list[Place]) -> fmap.CircleLayer:
    """Each place's radius, in metres on the ground."""
    return fmap.CircleLayer(
        circles=[
            fmap.CircleMarker(
                coordinates=point(p.lat, p.lon),
                radius=p.radius_m,
                use_radius_in_meter=True,
                color=ft.Colors.with_opacity(0.16, controls.PRIMARY),
                border_color=controls.PRIMARY,
                border_stroke_width=2,
            )
            for p in places
        ]
    )


def place_badges(places: list[Place]) -> fmap.MarkerLayer:
    """Each place's number (its place in the list under the map)."""
    return fmap.MarkerLayer(
        markers=[
            fmap.Marker(content=_badge(n), coordinates=point(p.lat, p.lon))
            for n, p in enumerate(places, start=1)
        ]
    )


def camera_for(points: list[fmap.MapLatitudeLongitude], fix: Fix | None) -> dict[str, object]:
    """The first view: every point in it, or the one point, or the fix, or Poland."""
    if len(points) >= 2:
        fit = fmap.CameraFit(coordinates=points, padding=ft.Padding.all(48), max_zoom=17)
        return {"initial_camera_fit": fit}
    if points:
        return {"initial_center": points[0], "initial_zoom": 16}
    if fix is not None:
        return {"initial_center": point(fix.lat, fix.lon), "initial_zoom": 15}
    return {"initial_center": WIDE_VIEW, "initial_zoom": 6}


def quiet_interaction(*, in_a_form: bool = False) -> fmap.InteractionConfiguration:
    """No keyboard focus grab: on the web it swallowed the next tap on the tab bar. A map
    ``in_a_form`` leaves the mouse wheel to the form's scrolling (and does not rotate)."""
    flags = fmap.InteractionFlag.ALL
    if in_a_form:
        flags &= ~(fmap.InteractionFlag.SCROLL_WHEEL_ZOOM | fmap.InteractionFlag.ROTATE)
    return fmap.InteractionConfiguration(
        flags=flags, keyboard_configuration=fmap.KeyboardConfiguration(autofocus=False)
    )


class AreaMap:
    """The map, the fix it follows and the list of places under it."""

    def __init__(self, shell: Shell, data: services.MapData) -> None:
        self.shell = shell
        self.state = shell.state
        self.data = data
        self.places = data.places
        self.index = services.place_index(data.places)
        self.fix_circles = fmap.CircleLayer(circles=[])
        self.fix_markers = fmap.MarkerLayer(markers=[])
        self.gps_text = ft.Text(size=15, color=controls.MUTED, key="map-gps")
        self.map = fmap.Map(
            key="map",
            height=MAP_HEIGHT,
            bgcolor=PLAIN_BACKGROUND,
            layers=[*tile_layers(self.state.tile_url), *self._layers()],
            on_tap=self._tapped,
            interaction_configuration=quiet_interaction(),
            min_zoom=5,
            max_zoom=19,
            **self._camera(),
        )
        self.show_fix(self.state.last_fix, locating=True)

    # ---- drawing ------------------------------------------------------------------------------
    def _camera(self) -> dict[str, object]:
        points = [point(p.lat, p.lon) for p in self.places]
        points += [point(e.lat, e.lon) for e in self.data.entries if e.lat and e.lon]
        return camera_for(points, self.state.last_fix)

    def _layers(self) -> list[fmap.MapLayer]:
        entries = fmap.MarkerLayer(
            markers=[
                fmap.Marker(
                    content=_dot(ENTRY_COLOR, 14),
                    coordinates=point(e.lat, e.lon),
                    width=14,
                    height=14,
                )
                for e in self.data.entries
                if e.lat is not None and e.lon is not None
            ]
        )
        return [
            place_circles(self.places),
            self.fix_circles,
            self.fix_markers,
            place_badges(self.places),
            entries,
        ]

    def show_fix(self, fix: Fix | None, *, locating: bool = False) -> None:
        """The fix as a blue dot in its accuracy circle, and in words under the map."""
        self.fix_circles.circles = []
        self.fix_markers.markers = []
        if fix is not None:
            here = point(fix.lat, fix.lon)
            if fix.accuracy_m:
                self.fix_circles.circles = [
                    fmap.CircleMarker(
                        coordinates=here,
                        radius=fix.accuracy_m,
                        use_radius_in_meter=True,
                        color=ft.Colors.with_opacity(0.15, FIX_COLOR),
                    )
                ]
            self.fix_markers.markers = [
                fmap.Marker(content=_ring(), coordinates=here, width=38, height=38)
            ]
        if fix is None:
            text = _("Finding your position…") if locating else _("No GPS position.")
        else:
            match = self.index.nearest(fix.lat, fix.lon)
            accuracy = (
                _("GPS accuracy ±{metres} m", metres=fmt_number(round(fix.accuracy_m)))
                if fix.accuracy_m is not None
                else _("GPS position (accuracy unknown)")
            )
            where = _("you are at {place}", place=match.place.name) if match else ""
            text = f"{accuracy} · {where}" if where else accuracy
        self.gps_text.value = text

    def legend(self) -> ft.Control:
        def item(swatch: ft.Control, text: str) -> ft.Control:
            return ft.Row([swatch, ft.Text(text, size=14)], spacing=6, tight=True)

        return ft.Row(
            [
                item(_badge(1), _("place and its radius")),
                item(_dot(ENTRY_COLOR, 14), _("today's entry")),
                item(_dot(FIX_COLOR, 14), _("you")),
            ],
            wrap=True,
            spacing=14,
            key="map-legend",
        )

    def place_list(self) -> list[ft.Control]:
        counts: dict[str, int] = {}
        for entry in self.data.entries:
            if entry.place_id:
                counts[entry.place_id] = counts.get(entry.place_id, 0) + 1
        rows: list[ft.Control] = []
        for number, place in enumerate(self.places, start=1):
            today = counts.get(place.id, 0)
            rows.append(
                controls.card(
                    ft.Row(
                        [
                            _badge(number),
                            ft.Column(
                                [
                                    ft.Text(place.name, size=16, weight=ft.FontWeight.W_600),
                                    controls.muted(
                                        _(
                                            "{address} · radius {metres} m · today: {count}",
                                            address=place.address or "—",
                                            metres=fmt_number(place.radius_m),
                                            count=today,
                                        )
                                    ),
                                ],
                                spacing=2,
                                expand=True,
                            ),
                        ],
                        vertical_alignment=ft.CrossAxisAlignment.START,
                    ),
                    controls.action_button(
                        _("Log here"),
                        self._log_at(place),
                        key=f"map-log-{place.id}",
                        icon=ft.Icons.EDIT_LOCATION_ALT,
                        kind="tonal",
                    ),
                    key=f"map-place-{place.id}",
                )
            )
        if not rows:
            rows.append(controls.muted(_("No places in your area yet.")))
        return rows

    def entry_list(self) -> ft.Control:
        names = {p.id: p.name for p in self.places}
        lines: list[ft.Control] = []
        for entry in sorted(self.data.entries, key=lambda e: e.occurred_at, reverse=True):
            parts = [f"{to_local(entry.occurred_at):%H:%M}", kind_label(entry.kind)]
            if entry.place_id in names:
                parts.append(names[entry.place_id])
            if self.state.officer is not None and self.state.officer.role != Role.officer:
                parts.append(self.data.officers.get(entry.officer_id, ""))
            lines.append(ft.Text(" · ".join(p for p in parts if p), size=15))
        if not lines:
            lines.append(controls.muted(_("Nothing logged today yet.")))
        return controls.card(
            controls.heading(_("Today's entries ({count})", count=len(self.data.entries)), 17),
            *lines,
            key="map-entries",
        )

    def tiles_card(self) -> ft.Control:
        field = ft.TextField(
            label=_("Map tiles address"),
            value=self.state.tile_url,
            hint_text="https://…/{z}/{x}/{y}.png",
            helper=_("Empty: no map background, nothing is downloaded."),
            key="tile-url",
            keyboard_type=ft.KeyboardType.URL,
        )

        async def save(_event: ft.ControlEvent) -> None:
            try:
                url = await asyncio.to_thread(
                    services.set_tile_url, self.state.engine, field.value or ""
                )
            except ValueError:
                field.error = _(
                    "An http(s) address with {z}, {x} and {y}, e.g. "
                    "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
                )
                self.shell.page.update()
                return
            self.state.tile_url = url
            await self.shell.refresh()
            self.shell.toast(_("Map background saved."), key="tiles-saved")
            self.shell.page.update()

        field.on_submit = save  # the keyboard's Done saves too
        return controls.card(
            controls.heading(_("Map background"), 17),
            field,
            controls.action_button(_("Save address"), save, key="tile-save", kind="outlined"),
        )

    # ---- handlers -------------------------------------------------------------------------------
    def _log_at(self, place: Place) -> Callable[[ft.ControlEvent], Awaitable[None]]:
        async def handler(_event: ft.ControlEvent) -> None:
            await self.shell.go(route_for("/log", place=place.id))

        return handler

    async def _tapped(self, event: fmap.MapTapEvent) -> None:
        """A tap inside a place's radius logs there; elsewhere it does nothing."""
        tapped = event.coordinates
        if tapped is None:
            return
        match = self.index.nearest(float(tapped.latitude), float(tapped.longitude))
        if match is not None:
            await self.shell.go(route_for("/log", place=match.place.id))

    async def locate(self) -> None:
        """Runs beside the screen (page.run_task): the fix joins the map when it arrives."""
        geo = self.state.geolocator
        result = await gps.locate(geo) if isinstance(geo, fgl.Geolocator) else gps.GpsResult(None)
        self.state.activate()
        if result.fix is not None:
            self.state.last_fix = result.fix
        self.show_fix(result.fix or self.state.last_fix)
        self.shell.page.update()


async def view(shell: Shell, _query: dict[str, str]) -> ft.View:
    state = shell.state
    officer = state.officer
    assert officer is not None
    data = await asyncio.to_thread(services.map_data, state.engine, officer, state.today())
    screen = AreaMap(shell, data)
    shell.page.run_task(screen.locate)
    body: list[ft.Control] = [
        ft.Container(screen.map, border_radius=12, clip_behavior=ft.ClipBehavior.HARD_EDGE),
        screen.legend(),
        screen.gps_text,
        screen.entry_list(),
        controls.heading(_("Places"), 18),
        *screen.place_list(),
        screen.tiles_card(),
    ]
    return shell.tab_view("/map", _("Map"), body)
