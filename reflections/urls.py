from __future__ import annotations

from django.urls import path

from reflections.views import coach, manager, persona, rep, trainer

app_name = "reflections"

urlpatterns = [
    path("", trainer.training_dashboard, name="training_dashboard"),
    path("exercises/", trainer.exercise_list, name="exercise_list"),
    path("exercises/new/", trainer.exercise_create, name="exercise_create"),
    path("exercises/<int:pk>/", trainer.exercise_edit, name="exercise_edit"),
    path("exercises/<int:pk>/archive/", trainer.exercise_archive, name="exercise_archive"),
    path("assign/", trainer.assign, name="assign"),
    path("mine/", rep.my_assignments, name="my_assignments"),
    path("team/", manager.team_training, name="team_training"),
    path("assignments/<int:pk>/", rep.assignment_page, name="assignment"),
    path("assignments/<int:pk>/autosave/", rep.reflection_autosave, name="autosave"),
    path("assignments/<int:pk>/practice/", rep.practice_start, name="practice_start"),
    path("assignments/<int:pk>/review/", trainer.review, name="review"),
    path("practice/<str:token>/", persona.persona_card, name="persona_card"),
    path("coach/<int:rep_id>/<str:skill>/", coach.practise, name="practise"),
]
