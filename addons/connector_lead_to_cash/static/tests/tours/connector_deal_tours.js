/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("connector_deal_retry", {
    url: "/odoo/action-connector_lead_to_cash.connector_deal_action",
    steps: () => [
        {
            content: "The kanban shows the blocked deal in the column of its last checkpoint",
            trigger:
                ".o_kanban_group:contains(Opportunity won) .o_kanban_record:contains(Tour deal):contains(blocked)",
            run: "click",
        },
        {
            content: "The form says where and why it stopped",
            trigger: ".o_form_view .alert-danger:contains(Tax mapping missing)",
        },
        {
            content: "Retry",
            trigger: ".o_form_view button[name=action_resume]",
            run: "click",
        },
        {
            content: "The deal is no longer blocked",
            trigger: ".o_form_view:not(:has(.alert-danger:visible)):not(:has(button[name=action_resume]))",
        },
    ],
});
