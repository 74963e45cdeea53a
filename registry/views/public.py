from django.shortcuts import render


def home(request):
    return render(request, "registry/public/home.html")
