from django.http import HttpResponse


def my_nominations(request):
    return HttpResponse()


nomination_start = nomination_detail = nomination_edit = nomination_withdraw_view = pitch_deck_download = my_nominations
