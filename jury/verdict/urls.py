app_name = "verdict"

urlpatterns = []
