from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("att-gora/", views.todo, name="todo"),
    path("administration/uppfoljningsregler/", views.follow_up_rules, name="rules"),
    path("ungdomar/<int:pk>/kontakt/ny/", views.contact_create, name="contact_create"),
    path("ungdomar/<int:pk>/atgard/ny/", views.action_offer, name="action_offer"),
    path(
        "ungdomar/<int:pk>/atgard/<int:action_pk>/<slug:step>/",
        views.action_step,
        name="action_step",
    ),
    path("ungdomar/<int:pk>/planering/", views.plan_revise, name="plan_revise"),
    path("ungdomar/<int:pk>/samtycke/ny/", views.consent_create, name="consent_create"),
    path(
        "ungdomar/<int:pk>/samtycke/<int:consent_pk>/aterkalla/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
