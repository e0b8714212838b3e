/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

tours.add("connector_dashboard_fix_drift", {
    url: "/odoo/action-connector_base.connector_dashboard_action",
    steps: () => [
        {
            content: "The accountant opens the drift of the tour backend",
            trigger:
                ".o_connector_card:has(.o_connector_backend_link:contains(Tour service)) .o_connector_drift_link",
            run: "click",
        },
        {
            content: "Open the 'missing in Odoo' line",
            trigger: ".o_connector_drift_list .o_data_row:contains(cus_tour_missing) td[name=external_id]",
            run: "click",
        },
        {
            content: "Fix it",
            trigger: ".o_form_view button[name=action_fix]",
            run: "click",
        },
        {
            content: "The fix is queued",
            trigger: ".o_form_view button[name=action_reopen]",
        },
    ],
});

tours.add("connector_exception_edit_replay", {
    url: "/odoo/action-connector_base.connector_exception_action",
    steps: () => [
        {
            content: "Open the exception",
            trigger: ".o_data_row:contains(cus_tour_replay) td[name=name]",
            run: "click",
        },
        {
            content: "Start an editable copy of the payload",
            trigger: ".o_form_view button[name=action_edit_payload]",
            run: "click",
        },
        {
            content: "Show the edited copy",
            trigger: ".o_notebook .nav-link:contains(Edited payload)",
            run: "click",
        },
        {
            content: "Give the customer its missing name",
            trigger: "div[name=payload_edited] textarea",
            run: 'edit {"id": "cus_tour_replay", "name": "Tour Customer", "updated": 1700000005}',
        },
        {
            content: "Replay it",
            trigger: ".o_form_view button[name=action_replay_edited]",
            run: "click",
        },
        {
            content: "The exception is resolved",
            trigger: ".o_form_view button[name=action_reopen]",
        },
    ],
});

tours.add("connector_exception_bulk_ignore", {
    url: "/odoo/action-connector_base.connector_exception_action",
    steps: () => [
        {
            content: "Select the first test exception",
            trigger: ".o_data_row:contains(cus_bulk_1) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the second one",
            trigger: ".o_data_row:contains(cus_bulk_2) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Ignore the selection",
            trigger: "button[name=action_open_ignore_wizard]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Test customers created during the demo",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Both left the 'To handle' list",
            trigger: "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:contains(cus_bulk_1)))",
        },
        {
            content: "The kanban shows what is left, grouped by class",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The third exception is still to handle",
            trigger: ".o_kanban_view .o_kanban_group .o_kanban_record:contains(cus_bulk_3)",
        },
    ],
});
