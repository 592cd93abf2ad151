
app_name = "citizen_cases"
urlpatterns: list = []
